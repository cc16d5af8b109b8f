import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, assertFixRoundTrip, edit, fixture, only, assertSilent } from './helpers';

const RULE = 'postfix-ipv6-unused';
const HOST = 'hosts/mail/default.nix';

test('IPv6 disabled and Postfix on the default inet_protocols = all: info with inet_protocols = ipv4 fix', async () => {
  const a = await analyse(edit(fixture('nixos'), HOST, 'networking.useDHCP = false;', 'networking.useDHCP = false;\n  networking.enableIPv6 = false;'));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'info');
    assert.equal(a.rel(f.at.file), 'hosts/mail/postfix.nix');
    assert.match(f.message, /uses inet_protocols = all \(the default\), but the host has no IPv6: IPv6 is disabled \(networking\.enableIPv6 = false\)/);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Set inet_protocols = ipv4']);
    const { after, changed } = await assertFixRoundTrip(a, f, f.fixes[0]);
    assert.match(changed.get('hosts/mail/postfix.nix') ?? '', /inet_protocols = "ipv4"/);
    assert.deepEqual(after.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('negatives: SLAAC possible (kernel default), IPv6 configured, inet_protocols = ipv4, standalone Postfix', async () => {
  const cases: Record<string, Record<string, string>> = {
    'SLAAC possible': fixture('nixos'),
    'ipv4 set': edit(edit(fixture('nixos'), HOST, 'networking.useDHCP = false;', 'networking.useDHCP = false;\n  networking.enableIPv6 = false;'), 'hosts/mail/postfix.nix', 'mydomain = "acme.example";', 'mydomain = "acme.example";\n      inet_protocols = "ipv4";'),
    standalone: fixture('standalone', { 'dns/acme.example.zone': null }),
  };
  await assertSilent(RULE, cases);
});
