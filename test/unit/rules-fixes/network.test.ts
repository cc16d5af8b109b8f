/**
 * Network fixes that had no round trip: smtp_bind_address6 out of a shared /64 (NixOS and
 * main.cf with the postconf oracle), and claiming an AAAA on a systemd.network unit.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixTitled, one, roundTrip, withAnalysis } from './helpers';

const SHARED = 'ipv6-shared-prefix';
const AAAA = 'aaaa-not-on-host';

/** mail.acme.example (AAAA 2001:db8:25::25) with a /124 slice elsewhere and the dedicated /64. */
const SLICED =
  '{ ... }:\n{\n  networking.hostName = "mail";\n  networking.domain = "acme.example";\n  networking.useDHCP = false;\n  networking.interfaces.ens3 = {\n' +
  '    ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n    ipv6.addresses = [\n' +
  '      { address = "2001:db8:5::25"; prefixLength = 124; }\n      { address = "2001:db8:25::25"; prefixLength = 64; }\n    ];\n  };\n' +
  '  networking.defaultGateway = "192.0.2.1";\n  networking.defaultGateway6 = { address = "fe80::1"; interface = "ens3"; };\n' +
  '  services.postfix = {\n    enable = true;\n    settings.main.myhostname = "mail.acme.example";\n  };\n}\n';

test('ipv6-shared-prefix: NixOS host with a /124 slice; smtp_bind_address6 moves delivery to its dedicated /64', async () => {
  await withAnalysis({ 'hosts/mail/default.nix': SLICED }, async (a) => {
    const f = one(a, SHARED);
    assert.equal(f.at.range.start.line, 8, 'at the sliced address');
    assert.match(f.message, /from 2001:db8:5::25, in 2001:db8:5::\/64, which is evidently shared: the host was given a \/124/);
    assert.deepEqual(f.fixes.map((x) => x.title), ['Set smtp_bind_address6 = 2001:db8:25::25 (in 2001:db8:25::/64, not shared as far as DNS shows)']);
    const r = await roundTrip(a, f, f.fixes[0]);
    try {
      assert.equal(
        r.changed.get('hosts/mail/default.nix'),
        SLICED.replace('settings.main.myhostname = "mail.acme.example";\n', 'settings.main.myhostname = "mail.acme.example";\n    settings.main.smtp_bind_address6 = "2001:db8:25::25";\n'),
      );
      assert.deepEqual(r.after.of(SHARED), []);
      // Binding also settles which address Postfix sends from.
      assert.deepEqual(r.after.of('postfix-ipv6-source-ambiguous'), []);
    } finally {
      r.after.dispose();
    }
  });
});

/** Reverse zone of 2001:db8:5::/64 with a foreign neighbour of ::25 (::26). */
const REVERSE_5 =
  '$ORIGIN 5.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.\n$TTL 3600\n@ IN SOA ns1.acme.example. hostmaster.acme.example. 1 7200 900 1209600 300\n@ IN NS ns1.acme.example.\n' +
  '5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail.shared.example.\n6.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR shop.other-customer.example.\n';

test('ipv6-shared-prefix: standalone main.cf whose name has AAAA in two /64s, one shared; the fix reads back through postconf as exactly one added line', async () => {
  const zone =
    '$ORIGIN shared.example.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n' +
    'mail IN A 192.0.2.25\nmail IN AAAA 2001:db8:5::25\nmail IN AAAA 2001:db8:25::25\n';
  const files = {
    'dns/shared.example.zone': zone,
    'dns/reverse-2001-db8-5.zone': REVERSE_5,
    'postfix/main.cf': '# outbound relay\nmyhostname = mail.shared.example\ninet_protocols = all\n',
    'postfix/master.cf': 'smtp      inet  n       -       n       -       -       smtpd\nsmtp      unix  -       -       n       -       -       smtp\n',
  };
  await withAnalysis(files, async (a) => {
    const f = one(a, SHARED);
    assert.match(f.message, /from 2001:db8:5::25, in 2001:db8:5::\/64, which is evidently shared: 2001:db8:5::26 is shop\.other-customer\.example/);
    const fx = fixTitled(f, /^Set smtp_bind_address6 = 2001:db8:25::25 /);
    const r = await roundTrip(a, f, fx, { dir: 'postfix', main: { removed: [], added: ['smtp_bind_address6 = 2001:db8:25::25'] } });
    try {
      assert.deepEqual(r.after.of(SHARED), []);
    } finally {
      r.after.dispose();
    }
  });
});

test('ipv6-shared-prefix: no bind fix to another /64 that DNS shows shared as well (the title promises "not shared as far as DNS shows")', async () => {
  const zone =
    '$ORIGIN shared.example.\n$TTL 3600\n@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n@ IN NS ns1\nns1 IN A 192.0.2.53\n' +
    'mail IN A 192.0.2.25\nmail IN AAAA 2001:db8:5::25\nmail IN AAAA 2001:db8:6::25\n';
  const reverse6 = REVERSE_5.replace('$ORIGIN 5.0.0.0.', '$ORIGIN 6.0.0.0.').replace('shop.other-customer', 'blog.third-party');
  await withAnalysis(
    {
      'dns/shared.example.zone': zone,
      'dns/reverse-2001-db8-5.zone': REVERSE_5,
      'dns/reverse-2001-db8-6.zone': reverse6,
      'postfix/main.cf': 'myhostname = mail.shared.example\n',
      'postfix/master.cf': 'smtp      unix  -       -       n       -       -       smtp\n',
    },
    (a) => {
      const f = a.of(SHARED);
      assert.equal(f.length, 2, 'each address is in a shared /64');
      assert.deepEqual(f.map((x) => x.fixes.map((y) => y.title)), [[], []]);
    },
  );
});

const SYSTEMD =
  '{ ... }:\n{\n  networking.hostName = "mail";\n  networking.domain = "acme.example";\n  networking.useDHCP = false;\n  systemd.network.enable = true;\n' +
  '  systemd.network.networks."10-wan" = {\n    matchConfig.Name = "ens3";\n    address = [ "192.0.2.25/24" ];\n    gateway = [ "192.0.2.1" ];\n    networkConfig.IPv6AcceptRA = false;\n  };\n}\n';

test('aaaa-not-on-host: a host on systemd.network gets the address and gateway in its own unit ("10-wan", matched by Name = ens3), not a new unit named after the interface', async () => {
  await withAnalysis({ 'hosts/mail/default.nix': SYSTEMD }, async (a) => {
    const f = one(a, AAAA);
    assert.equal(f.at.range.start.line, 6, 'at the unit binding');
    const fx = fixTitled(f, /^Claim /);
    assert.equal(fx.title, "Claim 2001:db8:25::25/64 on systemd network 10-wan, add gateway fe80::1 (placeholder: confirm your provider's gateway)");
    const r = await roundTrip(a, f, fx);
    try {
      assert.equal(
        r.changed.get('hosts/mail/default.nix'),
        SYSTEMD.replace('address = [ "192.0.2.25/24" ];', 'address = [ "192.0.2.25/24" "2001:db8:25::25/64" ];').replace('gateway = [ "192.0.2.1" ];', 'gateway = [ "192.0.2.1" "fe80::1" ];'),
      );
      assert.deepEqual(r.after.of(AAAA), []);
      assert.deepEqual(r.after.of('ipv6-no-default-route'), []);
    } finally {
      r.after.dispose();
    }
  });
});

test('aaaa-not-on-host: a systemd.network unit keyed by its interface name and without a gateway list; with Postfix the coupled fix also pins delivery to IPv4', async () => {
  const text =
    '{ ... }:\n{\n  networking.hostName = "mail";\n  networking.domain = "acme.example";\n  networking.useDHCP = false;\n  systemd.network.enable = true;\n' +
    '  systemd.network.networks.ens3 = {\n    address = [ "192.0.2.25/24" ];\n    networkConfig.IPv6AcceptRA = false;\n  };\n' +
    '  services.postfix = {\n    enable = true;\n    settings.main.myhostname = "mail.acme.example";\n  };\n}\n';
  for (const pattern of [/^Claim .*, and deliver mail over IPv4 only/, /^Claim [^,]*, add gateway fe80::1 \(placeholder: confirm your provider's gateway\)$/]) {
    await withAnalysis({ 'hosts/mail/default.nix': text }, async (a) => {
      const f = one(a, AAAA);
      const fx = fixTitled(f, pattern);
      assert.match(fx.title, /on systemd network ens3/);
      const r = await roundTrip(a, f, fx);
      try {
        const out = r.changed.get('hosts/mail/default.nix')!;
        assert.match(out, /address = \[ "192\.0\.2\.25\/24" "2001:db8:25::25\/64" \];/);
        assert.match(out, /gateway = \[ "fe80::1" \];/);
        assert.equal(/inet_protocols=ipv4/.test(out), /deliver mail over IPv4/.test(fx.title));
        assert.deepEqual(r.after.of(AAAA), []);
      } finally {
        r.after.dispose();
      }
    });
  }
});
