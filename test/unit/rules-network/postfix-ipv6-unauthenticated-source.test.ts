import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, assertFixRoundTrip, edit, fixTitled, fixture, only, roundTripPostfix, assertSilent } from './helpers';

const RULE = 'postfix-ipv6-unauthenticated-source';
const SPF_WITH_V6 = '"v=spf1 ip4:192.0.2.25 ip6:2001:db8:25::25 -all"';
const PTR_25 = '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail.acme.example.\n';

test('standalone Postfix sending over IPv6 from an address without PTR and SPF: warning at inet_protocols', async () => {
  const a = await analyse(fixture('standalone'));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'warning');
    assert.equal(a.rel(f.at.file), 'postfix/main.cf');
    assert.equal(f.at.range.start.line, 5, 'points at the inet_protocols line');
    assert.match(f.message, /from its only IPv6 address 2001:db8:25::25 \(AAAA of mail\.acme\.example\)/);
    assert.match(f.message, /has no PTR record/);
    assert.match(f.message, /is not authorised by the SPF of acme\.example \(fail\)/);
    assert.ok(f.related.some((r) => a.rel(r.at.file) === 'dns/acme.example.zone' && r.at.range.start.line === 8), 'related: the AAAA record');
    assert.ok(f.related.some((r) => /SPF of acme\.example/.test(r.message)), 'related: the SPF record');
    assert.deepEqual(
      f.fixes.map((x) => [x.title.split(':')[0].split(' (')[0], !!x.preferred]),
      [
        ['Deliver over IPv4 only', true],
        ['Set smtp_address_preference = ipv4', false],
        ['Set inet_protocols = ipv4', false],
      ],
    );
    assert.match(fixTitled(f, /smtp_address_preference/).title, /only reorders/);
    assert.match(fixTitled(f, /Set inet_protocols/).title, /stops inbound IPv6/);
  } finally {
    a.dispose();
  }
});

test('PTR missing only, or PTR not forward-confirmed, or SPF only: each is reported with its evidence', async () => {
  let files = edit(fixture('standalone'), 'dns/acme.example.zone', /"v=spf1[^"]*"/, SPF_WITH_V6);
  const a = await analyse(files);
  try {
    const f = only(a, RULE);
    assert.match(f.message, /has no PTR record/);
    assert.doesNotMatch(f.message, /SPF of/);
  } finally {
    a.dispose();
  }
  files = edit(files, 'dns/reverse-2001-db8-25.zone', /$/, '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR other.acme.example.\n');
  const b = await analyse(files);
  try {
    assert.match(only(b, RULE).message, /has PTR other\.acme\.example, which does not resolve back to 2001:db8:25::25/);
  } finally {
    b.dispose();
  }
  const c = await analyse(edit(fixture('standalone'), 'dns/reverse-2001-db8-25.zone', /$/, PTR_25));
  try {
    const f = only(c, RULE);
    assert.doesNotMatch(f.message, /has PTR|no PTR/);
    assert.match(f.message, /is not authorised by the SPF of acme\.example/);
  } finally {
    c.dispose();
  }
});

test('negatives: PTR confirmed and SPF passes; -o inet_protocols=ipv4 on smtp; inet_protocols = ipv4; templates', async () => {
  const good = edit(edit(fixture('standalone'), 'dns/acme.example.zone', /"v=spf1[^"]*"/, SPF_WITH_V6), 'dns/reverse-2001-db8-25.zone', /$/, PTR_25);
  const cases: Record<string, Record<string, string>> = {
    authenticated: good,
    'pinned in master.cf': edit(fixture('standalone'), 'postfix/master.cf', /(smtp      unix[^\n]*smtp\n)/, '$1  -o inet_protocols=ipv4\n'),
    'pinned with -o { }': edit(fixture('standalone'), 'postfix/master.cf', /(smtp      unix[^\n]*smtp)\n/, '$1 -o { inet_protocols = ipv4 }\n'),
    'ipv4 in main.cf': edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = ipv4'),
    'commented-out all, ipv4 effective': edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', '#inet_protocols = all\ninet_protocols = ipv4'),
    'jinja template': edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = {{ INET_PROTOCOLS }}'),
    'iRedMail placeholder bind': edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_bind_address6 = PH_BIND6'),
  };
  await assertSilent(RULE, cases);
});

test('DNS unknown (no reverse zone, no zone for the mail domain): at most info "cannot verify", never a warning on a guess', async () => {
  // PTR unknown but SPF definitely fails (zone data): warned for SPF only, PTR named as not checked.
  const a = await analyse(fixture('standalone', { 'dns/reverse-2001-db8-25.zone': null }));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /is not authorised by the SPF of acme\.example \(fail\) \(not checked, DNS could not answer: PTR/);
    assert.doesNotMatch(f.message, /has no PTR/);
  } finally {
    a.dispose();
  }
  // Nothing at all in DNS: the host has no known IPv6 source, so nothing to say.
  const b = await analyse(fixture('standalone', { 'dns/reverse-2001-db8-25.zone': null, 'dns/acme.example.zone': null, 'dns/reverse-192-0-2.zone': null }));
  try {
    assert.deepEqual(b.of(RULE).map((x) => x.message), []);
  } finally {
    b.dispose();
  }
  // PTR and SPF right, but the reverse zone is missing: info says what could not be checked.
  const c = await analyse(edit(fixture('standalone', { 'dns/reverse-2001-db8-25.zone': null }), 'dns/acme.example.zone', /"v=spf1[^"]*"/, SPF_WITH_V6));
  try {
    const f = only(c, RULE);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /cannot verify/);
  } finally {
    c.dispose();
  }
});

test('smtp_address_preference = ipv4 as the only mitigation: info that explains why it is partial', async () => {
  const a = await analyse(edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_address_preference = ipv4'));
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'info');
    assert.match(f.message, /only reorders/);
    assert.ok(!f.fixes.some((x) => /smtp_address_preference/.test(x.title)), 'no fix re-setting what is set');
  } finally {
    a.dispose();
  }
});

test('an explicit bind address is the source that is checked; an authenticated other address is offered', async () => {
  const files = edit(
    edit(fixture('standalone'), 'postfix/main.cf', 'inet_protocols = all', 'inet_protocols = all\nsmtp_bind_address6 = [2001:db8:25::80]'),
    'dns/acme.example.zone',
    /mail    IN AAAA 2001:db8:25::25\n/,
    'mail    IN AAAA 2001:db8:25::25\nmail    IN AAAA 2001:db8:25::80\nwww     IN AAAA 2001:db8:25::80\n',
  );
  // ::80 has PTR www.acme.example (confirmed), but SPF does not list it.
  const a = await analyse(files);
  try {
    const f = only(a, RULE);
    assert.match(f.message, /from smtp_bind_address6 = 2001:db8:25::80/);
    assert.doesNotMatch(f.message, /no PTR/);
    assert.match(f.message, /is not authorised by the SPF of acme\.example/);
  } finally {
    a.dispose();
  }
  // SPF authorises ::25 with a confirmed PTR: offered as the bind address.
  const b = await analyse(edit(edit(files, 'dns/acme.example.zone', /"v=spf1[^"]*"/, SPF_WITH_V6), 'dns/reverse-2001-db8-25.zone', /$/, PTR_25));
  try {
    const f = only(b, RULE);
    const fx = fixTitled(f, /smtp_bind_address6 = 2001:db8:25::25/);
    assert.match(fx.title, /PTR mail\.acme\.example resolves back, SPF passes/);
    await roundTripPostfix(b, f, fx, 'postfix', { main: ['smtp_bind_address6 = 2001:db8:25::25'] });
  } finally {
    b.dispose();
  }
});

test('round trip: every fix applies, postconf reads back only the intended change, the warning is gone', async () => {
  const expected: [RegExp, { main?: string[]; overrides?: string[] }][] = [
    [/Deliver over IPv4 only/, { overrides: ['smtp/unix/inet_protocols = ipv4'] }],
    [/smtp_address_preference/, { main: ['smtp_address_preference = ipv4'] }],
    [/Set inet_protocols = ipv4/, { main: ['inet_protocols = ipv4'] }],
  ];
  for (const [title, want] of expected) {
    const a = await analyse(fixture('standalone'));
    try {
      const f = only(a, RULE);
      const after = await roundTripPostfix(a, f, fixTitled(f, title), 'postfix', want);
      const left = after.of(RULE);
      if (/smtp_address_preference/.test(String(title))) {
        // Partial mitigation: the warning becomes an info that says so.
        assert.deepEqual(left.map((x) => x.severity), ['info']);
      } else assert.deepEqual(left.map((x) => x.message), []);
      after.dispose();
    } finally {
      a.dispose();
    }
  }
});

test('NixOS host: the pin goes into services.postfix.settings.master.smtp and round-trips through nix-instantiate', async () => {
  const HOST = 'hosts/mail/default.nix';
  const files = edit(
    fixture('nixos'),
    HOST,
    'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];',
    'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n    ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];',
  );
  const a = await analyse(files);
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'warning');
    assert.equal(a.rel(f.at.file), 'hosts/mail/postfix.nix', 'no inet_protocols setting: the services.postfix definition');
    assert.match(f.message, /\(inet_protocols = all, the default\) from its only static global IPv6 address 2001:db8:25::25, which has no PTR record/);
    for (const title of [/Deliver over IPv4 only/, /Set inet_protocols = ipv4/]) {
      const b = await analyse(files);
      try {
        const g = only(b, RULE);
        const { after, changed } = await assertFixRoundTrip(b, g, fixTitled(g, title));
        assert.match(changed.get('hosts/mail/postfix.nix') ?? '', /ipv4/);
        assert.deepEqual(after.of(RULE), []);
      } finally {
        b.dispose();
      }
    }
  } finally {
    a.dispose();
  }
});
