import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFixRoundTrip } from '../../support/rule-harness';
import { postfixRoundTrip, scenario } from './support';

const MASTER = 'smtp inet n - n - - smtpd\nsmtp unix - - n - - smtp\nrelay unix - - n - - smtp\n';

test('postfix-unknown-parameter: a typo gets a "did you mean" rename that postconf reads back', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = mx1.example.org\nsmtpd_tls_securty_level = may\n',
    'mx/master.cf': MASTER,
  });
  try {
    const f = a.of('postfix-unknown-parameter');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /did you mean smtpd_tls_security_level/);
    assert.deepEqual([f[0].at.range.start, f[0].at.range.end], [{ line: 1, character: 0 }, { line: 1, character: 23 }]);
    // postconf -n does not even print the unknown name: the setting had no effect before.
    await postfixRoundTrip(a, f[0], 0, 'mx', '-n', { removed: [], added: ['smtpd_tls_security_level = may'] });
  } finally {
    a.dispose();
  }
});

test('postfix-unknown-parameter: user-defined $name parameters, per-service and table parameters are fine', async () => {
  const a = await scenario({
    'mx/main.cf': [
      'mua_client_restrictions = permit_sasl_authenticated, reject',
      'relay_destination_concurrency_limit = 2',
      'virtual_alias_maps = ldap:aliases',
      'aliases_server_host = ldap.example.org',
      'smtpd_restriction_classes = strict',
      'strict = reject_unknown_client_hostname',
      '',
    ].join('\n'),
    'mx/master.cf': MASTER + 'submission inet n - n - - smtpd\n  -o smtpd_client_restrictions=$mua_client_restrictions\n',
  });
  try {
    assert.deepEqual(a.of('postfix-unknown-parameter').map((f) => f.message), []);
  } finally {
    a.dispose();
  }
});

test('postfix-unknown-parameter: in a templated instance only near-misses are reported', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = {{ HOSTNAME }}\nmy_own_list = {{ LIST }}\nsmtpd_tls_securty_level = may\n',
    'mx/master.cf': MASTER,
  });
  try {
    assert.deepEqual(a.of('postfix-unknown-parameter').map((f) => f.message.split(':')[0]), ['"smtpd_tls_securty_level" is not a Postfix parameter']);
  } finally {
    a.dispose();
  }
});

test('postfix-unknown-parameter: a NixOS instance with unevaluated interpolations is still checked; the rename fix targets the -o string', async () => {
  const a = await scenario({
    'configuration.nix': [
      '{ config, lib, ... }:',
      '{',
      '  networking.hostName = "mx1";',
      '  services.postfix = {',
      '    enable = true;',
      '    settings.main.myorigin = config.mail.domain;',
      '    settings.main.my_own_setting = "x";',
      '    settings.master.submission = {',
      '      type = "inet";',
      '      private = false;',
      '      command = "smtpd";',
      '      args = [ "-o" "smtpd_client_connection_limit=1000" "-o" "smtpd_proxy_filter=127.0.0.1:${toString config.mail.port}" ];',
      '    };',
      '  };',
      '}',
      '',
    ].join('\n'),
  });
  try {
    const f = a.of('postfix-unknown-parameter');
    assert.deepEqual(f.map((x) => `${x.at.range.start.line + 1} ${x.message.split(':')[0]}`).sort(), [
      '12 "smtpd_client_connection_limit" (-o on master.cf service submission) is not a Postfix parameter',
      '7 "my_own_setting" is not a Postfix parameter',
    ]);
    const limit = f.find((x) => /connection_limit/.test(x.message))!;
    assert.match(limit.message, /did you mean smtpd_client_connection_count_limit, smtpd_client_connection_rate_limit\?/);
    const { changed, after } = await assertFixRoundTrip(a, limit, limit.fixes[0]);
    assert.match(changed.get('configuration.nix')!, /"-o" "smtpd_client_connection_count_limit=1000"/);
    after.dispose();
  } finally {
    a.dispose();
  }
});

test('postfix-master-cf-syntax: a pasted main.cf is reported once; field errors each', async () => {
  const a = await scenario({
    'mx/master.cf': 'smtp inet n - n - - smtpd\nmyhostname = mx1.example.org\nmydomain = example.org\ninet_interfaces = all\nbroken inet n -\n',
    'mx/main.cf': 'myhostname = mx1.example.org\n',
  });
  try {
    const f = a.of('postfix-master-cf-syntax');
    assert.equal(f.length, 2);
    const pasted = f.find((x) => /pasted/.test(x.message))!;
    assert.match(pasted.message, /^3 lines of this master\.cf are main\.cf settings/);
    assert.equal(pasted.related.length, 2);
    assert.deepEqual(pasted.fixes, []);
    assert.ok(f.some((x) => /8 fields/.test(x.message)));
    assert.ok(f.every((x) => x.severity === 'error'));
  } finally {
    a.dispose();
  }
});

test('postfix-inet-interfaces-loopback: both loopback addresses → loopback-only (postconf round trip)', async () => {
  const a = await scenario({ 'mx/main.cf': 'myhostname = mx1.example.org\ninet_interfaces = 127.0.0.1, [::1]\n', 'mx/master.cf': MASTER });
  try {
    const f = a.of('postfix-inet-interfaces-loopback');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'info');
    await postfixRoundTrip(a, f[0], 0, 'mx', '-n', { removed: ['inet_interfaces = 127.0.0.1, [::1]'], added: ['inet_interfaces = loopback-only'] });
  } finally {
    a.dispose();
  }
});

test('postfix-inet-interfaces-loopback: a single loopback address or a mixed list is not flagged', async () => {
  const a = await scenario({
    'a/main.cf': 'inet_interfaces = 127.0.0.1\n',
    'a/master.cf': MASTER,
    'b/main.cf': 'inet_interfaces = 127.0.0.1, [::1], 192.0.2.25\n',
    'b/master.cf': MASTER,
  });
  try {
    assert.deepEqual(a.of('postfix-inet-interfaces-loopback'), []);
  } finally {
    a.dispose();
  }
});

test('postfix-inet-interfaces-loopback: master.cf loopback twins; fix only when every inet service is loopback', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = relay.example.org\n',
    'mx/master.cf': '127.0.0.1:10025 inet n - n - - smtpd\n  -o content_filter=\n[::1]:10025 inet n - n - - smtpd\n  -o content_filter=\nsmtp unix - - n - - smtp\n',
    'pub/main.cf': 'myhostname = mx1.example.org\n',
    'pub/master.cf': 'smtp inet n - n - - smtpd\n127.0.0.1:10025 inet n - n - - smtpd\n[::1]:10025 inet n - n - - smtpd\n',
  });
  try {
    const f = a.of('postfix-inet-interfaces-loopback');
    assert.equal(f.length, 2);
    const pub = f.find((x) => a.rel(x.at.file) === 'pub/master.cf')!;
    assert.deepEqual(pub.fixes, []);
    const mx = f.find((x) => a.rel(x.at.file) === 'mx/master.cf')!;
    assert.equal(mx.fixes.length, 1);
    const before = a.text('mx/master.cf');
    const { after } = await assertFixRoundTrip(a, mx, mx.fixes[0]);
    assert.notEqual(after.text('mx/master.cf'), before);
    assert.match(after.text('mx/main.cf'), /^inet_interfaces = loopback-only$/m);
    // The twin goes with its -o line, and no blank line is left where it was.
    assert.equal(after.text('mx/master.cf'), '10025 inet n - n - - smtpd\n  -o content_filter=\nsmtp unix - - n - - smtp\n');
    after.dispose();
  } finally {
    a.dispose();
  }
});

test('hardcoded-tailnet-address: relayhost literal gets a MagicDNS placeholder; mynetworks is not flagged', async () => {
  const a = await scenario({
    'mx/main.cf': 'myhostname = mx1.example.org\nrelayhost = [100.101.102.103]:587\nmynetworks = 127.0.0.0/8, 100.64.0.0/10\nsmtp_bind_address = 100.64.1.2\n',
    'mx/master.cf': MASTER,
  });
  try {
    const f = a.of('hardcoded-tailnet-address');
    assert.equal(f.length, 2);
    const relay = f.find((x) => /relayhost/.test(x.message))!;
    assert.equal(relay.fixes.length, 1);
    const bind = f.find((x) => /smtp_bind_address/.test(x.message))!;
    assert.deepEqual(bind.fixes, []);
    await postfixRoundTrip(a, relay, 0, 'mx', '-n', { removed: ['relayhost = [100.101.102.103]:587'], added: ['relayhost = [MACHINE.TAILNET-NAME.ts.net]:587'] });
  } finally {
    a.dispose();
  }
});

test('hardcoded-tailnet-address: not for other private ranges or placeholders', async () => {
  const a = await scenario({
    'mx/main.cf': 'relayhost = [192.0.2.10]:587\nsmtp_fallback_relay = [100.63.255.255]\ndefault_transport = smtp:[${RELAY_IP}]\n',
    'mx/master.cf': MASTER,
  });
  try {
    assert.deepEqual(a.of('hardcoded-tailnet-address'), []);
  } finally {
    a.dispose();
  }
});
