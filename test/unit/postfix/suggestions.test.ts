import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestParameters, isKnownParameter } from '../../../server/src/postfix/catalog';

test('closestParameters: a missing word is one edit (smtpd_client_connection_limit → ..._count_limit first)', () => {
  assert.ok(!isKnownParameter('smtpd_client_connection_limit'));
  assert.deepEqual(closestParameters('smtpd_client_connection_limit', 3), ['smtpd_client_connection_count_limit', 'smtpd_client_connection_rate_limit']);
  assert.deepEqual(closestParameters('smtpd_tls_cert', 3), ['smtpd_tls_cert_file']);
  assert.deepEqual(closestParameters('smtpd_sasl_auth', 1), ['smtpd_sasl_auth_enable']);
});

test('closestParameters: typos still rank by character distance; unrelated names get nothing', () => {
  assert.equal(closestParameters('smtpd_tls_securty_level', 3)[0], 'smtpd_tls_security_level');
  assert.deepEqual(closestParameters('myhostnme', 3), ['myhostname']);
  // Two-word names: a shared word alone is no evidence.
  assert.deepEqual(closestParameters('root_alias', 3), []);
  assert.deepEqual(closestParameters('postmaster_alias', 3), []);
  // Swapping a whole word is not a near miss: a user-defined restriction class stays unmatched.
  assert.deepEqual(closestParameters('mua_sender_restrictions', 3), []);
});
