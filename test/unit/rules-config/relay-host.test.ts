import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertFixRoundTrip } from '../../support/rule-harness';
import { scenario, zone } from './support';

const ZONE = zone('example.org', ['smtp.relay IN A 198.51.100.10', 'smtp.relay IN AAAA 2001:db8:100::10']);

test('relay-dual-stack-without-ipv6: NixOS host with IPv6 disabled relays to a dual-stack smarthost', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'configuration.nix':
      '{ ... }:\n{\n  networking.hostName = "mx1";\n  networking.enableIPv6 = false;\n  networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ];\n' +
      '  services.postfix = {\n    enable = true;\n    settings.main.relayhost = "[smtp.relay.example.org]:587";\n  };\n}\n',
  });
  try {
    const f = a.of('relay-dual-stack-without-ipv6');
    assert.equal(f.length, 1);
    assert.match(f[0].fixes[0].title, /inet_protocols = ipv4/);
    const { after, changed } = await assertFixRoundTrip(a, f[0], f[0].fixes[0]);
    assert.match(changed.get('configuration.nix')!, /inet_protocols = "ipv4"/);
    assert.deepEqual(after.of('relay-dual-stack-without-ipv6'), []);
    after.dispose();
  } finally {
    a.dispose();
  }
});

test('relay-dual-stack-without-ipv6: standalone main.cf (network unknown) stays silent; inet_protocols = ipv4 too', async () => {
  const a = await scenario({
    'dns/example.org.zone': ZONE,
    'a/main.cf': 'relayhost = [smtp.relay.example.org]:587\n',
    'a/master.cf': 'smtp unix - - n - - smtp\n',
  });
  try {
    assert.deepEqual(a.of('relay-dual-stack-without-ipv6'), []);
  } finally {
    a.dispose();
  }
});
