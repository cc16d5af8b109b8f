import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, edit, fixture, only, assertSilent } from './helpers';

const RULE = 'ipv6-shared-prefix';
const NEIGHBOUR = (name: string) => `6.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR ${name}\n`;

test('a neighbour in the same /64 whose PTR names a host outside the repository: info at the address', async () => {
  const a = await analyse(edit(fixture('standalone'), 'dns/reverse-2001-db8-25.zone', /$/, NEIGHBOUR('shop.other-customer.example.')));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'info');
    assert.equal(a.rel(f.at.file), 'dns/acme.example.zone', 'the address (inferred from the AAAA record)');
    assert.match(f.message, /sends over IPv6 from 2001:db8:25::25, in 2001:db8:25::\/64, which is evidently shared: 2001:db8:25::26 is shop\.other-customer\.example/);
    assert.match(f.message, /Spamhaus list IPv6 per \/64/);
    assert.ok(f.related.some((r) => a.rel(r.at.file) === 'dns/reverse-2001-db8-25.zone'));
  } finally {
    a.dispose();
  }
});

test('negatives: neighbours in the repository domains, no neighbours, delivery pinned to IPv4', async () => {
  const cases: Record<string, Record<string, string>> = {
    'own domain': edit(fixture('standalone'), 'dns/reverse-2001-db8-25.zone', /$/, NEIGHBOUR('backup.acme.example.')),
    'no neighbours': fixture('standalone'),
    'pinned to IPv4': edit(
      edit(fixture('standalone'), 'dns/reverse-2001-db8-25.zone', /$/, NEIGHBOUR('shop.other-customer.example.')),
      'postfix/master.cf',
      /(smtp      unix[^\n]*smtp\n)/,
      '$1  -o inet_protocols=ipv4\n',
    ),
  };
  await assertSilent(RULE, cases);
});

test('DNS unknown (no reverse zone): silent', async () => {
  const a = await analyse(fixture('standalone', { 'dns/reverse-2001-db8-25.zone': null }));
  try {
    assert.deepEqual(a.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('NixOS host given a /124 slice of a /64: info at the address; a /128 or /64 is not flagged', async () => {
  const HOST = 'hosts/mail/default.nix';
  const withLen = (len: number) =>
    edit(
      fixture('nixos'),
      HOST,
      'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];',
      `ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n    ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = ${len}; } ];`,
    );
  const a = await analyse(withLen(124));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'info');
    assert.equal(a.rel(f.at.file), HOST);
    assert.match(f.message, /the host was given a \/124, a slice of 2001:db8:25::\/64/);
  } finally {
    a.dispose();
  }
  for (const len of [128, 64]) {
    const b = await analyse(withLen(len));
    try {
      assert.deepEqual(b.of(RULE), [], `/${len}`);
    } finally {
      b.dispose();
    }
  }
});
