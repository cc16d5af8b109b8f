import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyse, assertFixRoundTrip, edit, fixture, only, assertSilent } from './helpers';

const RULE = 'ipv6-no-default-route';
const HOST = 'hosts/mail/default.nix';
const V6 = 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n    ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];';
const NO_RA = 'networking.useDHCP = false;\n  boot.kernel.sysctl."net.ipv6.conf.all.accept_ra" = 0;\n  boot.kernel.sysctl."net.ipv6.conf.default.accept_ra" = 0;';

function staticV6NoRa(): Record<string, string> {
  return edit(edit(fixture('nixos'), HOST, 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];', V6), HOST, 'networking.useDHCP = false;', NO_RA);
}

test('global IPv6 address, RA ruled out, no gateway: warning at the address with a gateway placeholder fix', async () => {
  const a = await analyse(staticV6NoRa());
  try {
    const f = only(a, RULE);
    assert.equal(f.severity, 'warning');
    assert.equal(a.rel(f.at.file), HOST);
    assert.equal(a.text(HOST).split('\n')[f.at.range.start.line].slice(f.at.range.start.character, f.at.range.end.character), '2001:db8:25::25');
    assert.match(f.message, /configures the global IPv6 address 2001:db8:25::25 but no IPv6 default route/);
    assert.equal(f.fixes.length, 1);
    assert.match(f.fixes[0].title, /networking\.defaultGateway6 = fe80::1 on ens3 \(placeholder: confirm your provider's gateway\)/);
    const { after, changed } = await assertFixRoundTrip(a, f, f.fixes[0]);
    assert.match(changed.get(HOST) ?? '', /defaultGateway6/);
    assert.deepEqual(after.of(RULE), []);
  } finally {
    a.dispose();
  }
});

test('negatives: RA possible (kernel default), gateway set, systemd.network Gateway, IPv6 disabled, link-local/ULA only', async () => {
  const withV6 = edit(fixture('nixos'), HOST, 'ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];', V6);
  const cases: Record<string, Record<string, string>> = {
    'RA possible': withV6,
    'defaultGateway6 set': edit(staticV6NoRa(), HOST, 'networking.defaultGateway = "192.0.2.1";', 'networking.defaultGateway = "192.0.2.1";\n  networking.defaultGateway6 = { address = "fe80::1"; interface = "ens3"; };'),
    'ULA only': edit(staticV6NoRa(), HOST, '"2001:db8:25::25"', '"fd12:3456:789a::25"'),
    'systemd.network gateway': fixture('nixos', {
      [HOST]: `{ ... }:
{
  networking.hostName = "mail";
  networking.useDHCP = false;
  ${NO_RA}
  systemd.network.networks."10-wan" = {
    matchConfig.Name = "ens3";
    address = [ "192.0.2.25/24" "2001:db8:25::25/64" ];
    networkConfig.Gateway = [ "192.0.2.1" "fe80::1" ];
  };
}
`,
    }),
  };
  await assertSilent(RULE, cases);
});

test('IPv6AcceptRA = false on the systemd network that carries the address: warning', async () => {
  const a = await analyse(
    fixture('nixos', {
      [HOST]: `{ ... }:
{
  networking.hostName = "mail";
  networking.useDHCP = false;
  systemd.network.networks."10-wan" = {
    matchConfig.Name = "ens3";
    address = [ "192.0.2.25/24" "2001:db8:25::25/64" ];
    networkConfig.IPv6AcceptRA = false;
  };
}
`,
    }),
  );
  try {
    const f = a.of(RULE);
    assert.equal(f.length, 1, JSON.stringify(a.findings.map((x) => x.message)));
  } finally {
    a.dispose();
  }
});
