import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, edit, fixTitled, fixture, only, roundTripPostfix, assertSilent } from './helpers';

const RULE = 'postfix-ipv6-source-ambiguous';
const TWO_AAAA = 'mail    IN AAAA 2001:db8:25::25\nmail    IN AAAA 2001:db8:25::26\n';
const PTR_25 = '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail.acme.example.\n';

function twoAddresses(): Record<string, string> {
  return edit(edit(fixture('standalone'), 'dns/acme.example.zone', 'mail    IN AAAA 2001:db8:25::25\n', TWO_AAAA), 'dns/reverse-2001-db8-25.zone', /$/, PTR_25);
}

test('two global IPv6 addresses and no smtp_bind_address6: warning on the instance, one fix per address, PTR match preferred', async () => {
  const a = await analyse(twoAddresses());
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'warning');
    assert.equal(a.rel(f.at.file), 'postfix/main.cf');
    assert.equal(f.at.range.start.line, 1, "the first setting of main.cf (the instance definition)");
    assert.match(f.message, /several global IPv6 addresses \(2001:db8:25::25 and 2001:db8:25::26\) but no smtp_bind_address6: the kernel picks the source/);
    assert.deepEqual(f.related.map((r) => r.message), ['2001:db8:25::25 (AAAA of mail.acme.example)', '2001:db8:25::26 (AAAA of mail.acme.example)']);
    assert.deepEqual(
      f.fixes.map((x) => [x.title, !!x.preferred]),
      [
        ['Set smtp_bind_address6 = 2001:db8:25::25 (its PTR mail.acme.example matches the host name)', true],
        ['Set smtp_bind_address6 = 2001:db8:25::26', false],
      ],
    );
  } finally {
    a.dispose();
  }
});

test('negatives: one address; bind address set (main.cf or -o); pinned to IPv4; single IPv6 in inet_interfaces; template', async () => {
  const cases: Record<string, Record<string, string>> = {
    'one address': fixture('standalone'),
    'bind in main.cf': edit(twoAddresses(), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_bind_address6 = 2001:db8:25::25'),
    'bind as -o': edit(twoAddresses(), 'postfix/master.cf', /(smtp      unix[^\n]*smtp\n)/, '$1  -o smtp_bind_address6=2001:db8:25::25\n'),
    'pinned to IPv4': edit(twoAddresses(), 'postfix/master.cf', /(smtp      unix[^\n]*smtp\n)/, '$1  -o inet_protocols=ipv4\n'),
    'inet_interfaces single IPv6': edit(twoAddresses(), 'postfix/main.cf', 'inet_interfaces = all', 'inet_interfaces = 127.0.0.1, [::1], 192.0.2.25, [2001:db8:25::25]'),
    'templated bind': edit(twoAddresses(), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_bind_address6 = {{ BIND6 }}'),
  };
  await assertSilent(RULE, cases);
});

test('DNS unknown: no zone data, no addresses known, silent', async () => {
  const a = await analyse(fixture('standalone', { 'dns/acme.example.zone': null, 'dns/reverse-2001-db8-25.zone': null }));
  try {
    assert.deepEqual(a.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('round trip: each smtp_bind_address6 fix removes the finding, postconf shows only that line added', async () => {
  for (const title of [/= 2001:db8:25::25/, /= 2001:db8:25::26/]) {
    const a = await analyse(twoAddresses());
    try {
      const f = only(a, RULE);
      const fx = fixTitled(f, title);
      const address = /= (\S+)/.exec(fx.title)![1];
      const after = await roundTripPostfix(a, f, fx, 'postfix', { main: [`smtp_bind_address6 = ${address}`] });
      assert.deepEqual(after.of(RULE), []);
    } finally {
      a.dispose();
    }
  }
});
