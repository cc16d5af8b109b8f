import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bracketProblem } from '../../../server/src/rules/config/postfix-match-list-brackets';
import { postfixRoundTrip, scenario } from './support';

const RULE = 'postfix-match-list-brackets';

test('bracketProblem: judges items as Postfix reads them', () => {
  assert.deepEqual(bracketProblem('::1/128'), { kind: 'unbracketed', fixed: '[::1]/128' });
  assert.deepEqual(bracketProblem('2001:db8::/64'), { kind: 'unbracketed', fixed: '[2001:db8::]/64' });
  assert.deepEqual(bracketProblem('!2001:db8::1'), { kind: 'unbracketed', fixed: '![2001:db8::1]' });
  assert.deepEqual(bracketProblem('[2001:db8::/64'), { kind: 'unclosed', fixed: '[2001:db8::]/64' });
  assert.deepEqual(bracketProblem('[2001:db8::1'), { kind: 'unclosed', fixed: '[2001:db8::1]' });
  for (const ok of ['[::1]/128', '[2001:db8::/64]', '[2001:db8::1]', '127.0.0.0/8', 'hash:/etc/postfix/network_table', 'cidr:/etc/postfix/clients.cidr', '$mynetworks', 'inline:{2001:db8::1=OK}', 'example.org', 'permit_mynetworks', '/etc/postfix/networks']) {
    assert.equal(bracketProblem(ok), undefined, ok);
  }
});

test('main.cf: unbracketed IPv6 in mynetworks is an error with an in-place fix that postconf reads back', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = mx1.example.org\n# mynetworks = ::1/128 (commented out: ignored)\nmynetworks = 127.0.0.0/8, ::1/128, [2001:db8:1::]/64, 2001:db8:25::/64\n',
    'mx/master.cf': 'smtp inet n - n - - smtpd\n',
  });
  try {
    const f = a.of(RULE);
    assert.deepEqual(f.map((x) => [x.at.range.start.line, x.at.range.start.character, x.severity]), [
      [2, 26, 'error'],
      [2, 54, 'error'],
    ]);
    assert.match(f[0].message, /\[::1\]\/128/);
    assert.equal(f[0].fixes[0].title, 'Write as [::1]/128');
    await postfixRoundTrip(a, f[0], 0, 'mx', '-n', {
      removed: ['mynetworks = 127.0.0.0/8, ::1/128, [2001:db8:1::]/64, 2001:db8:25::/64'],
      added: ['mynetworks = 127.0.0.0/8, [::1]/128, [2001:db8:1::]/64, 2001:db8:25::/64'],
    });
  } finally {
    a.dispose();
  }
});

test('master.cf -o: an unbracketed address in an override is found and fixed; non-match-list parameters are not', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = mx1.example.org\ninet_interfaces = 127.0.0.1, ::1\nsmtp_bind_address6 = 2001:db8::25\n',
    'mx/master.cf': 'smtp inet n - n - - smtpd\nsubmission inet n - n - - smtpd\n  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n  -o mynetworks=127.0.0.0/8,::1\n',
  });
  try {
    const f = a.of(RULE);
    assert.equal(f.length, 1);
    assert.equal(a.rel(f[0].at.file), 'mx/master.cf');
    assert.match(f[0].message, /-o on master\.cf service submission/);
    await postfixRoundTrip(a, f[0], 0, 'mx', '-P', {
      removed: ['submission/inet/mynetworks = 127.0.0.0/8,::1'],
      added: ['submission/inet/mynetworks = 127.0.0.0/8,[::1]'],
    });
  } finally {
    a.dispose();
  }
});

test('never fires in cidr tables, templates, or on [addr/len]', async () => {
  const a = await scenario({
    'mx/main.cf': 'mynetworks = [2001:db8::/64], [::1]/128, {{ SUBNET6 }}, PH_NETWORKS\nsmtpd_client_restrictions = check_client_access cidr:/etc/postfix/clients.cidr\n',
    'mx/master.cf': 'smtp inet n - n - - smtpd\n',
    'mx/clients.cidr': '2001:db8::/32 OK\n::1/128 OK\n',
  });
  try {
    assert.deepEqual(a.of(RULE), []);
  } finally {
    a.dispose();
  }
});
