/**
 * Postfix fixes written in Nix that had no round trip: the relay's IPv4 literal, the tailnet
 * placeholder in a `settings.main` list, and `inet_interfaces = loopback-only`; each edited
 * file passes nix-instantiate --parse (harness) and re-analysis.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyFixRoundTrips, fixTitled, one, roundTrip, withAnalysis } from './helpers';

const RELAY = 'relay-dual-stack-without-ipv6';
const TAILNET = 'hardcoded-tailnet-address';
const LOOPBACK = 'postfix-inet-interfaces-loopback';

/** A NixOS host without IPv6 (so a dual-stack relay is a problem) whose Postfix block is `postfix`. */
const host = (postfix: string) =>
  '{ ... }:\n{\n  networking.hostName = "relay-client";\n  networking.domain = "acme.example";\n  networking.enableIPv6 = false;\n' +
  '  networking.interfaces.ens3.ipv4.addresses = [ { address = "192.0.2.30"; prefixLength = 24; } ];\n' +
  `  services.postfix = {\n    enable = true;\n${postfix}  };\n}\n`;

const LITERAL = /^Use the IPv4 address 198\.51\.100\.10 instead of smtp\.relay\.example \(a TLS certificate check by name no longer matches\)$/;

test('relay-dual-stack-without-ipv6: the IPv4 literal fix in every Nix form of a relay (settings.main string and list, extraConfig text, settings.master -o)', async () => {
  const forms: [string, string, string][] = [
    ['settings.main string', '    settings.main.relayhost = "[smtp.relay.example]:587";\n', '    settings.main.relayhost = "[198.51.100.10]:587";\n'],
    ['settings.main list', '    settings.main.relayhost = [ "[smtp.relay.example]:587" ];\n', '    settings.main.relayhost = [ "[198.51.100.10]:587" ];\n'],
    ['extraConfig (main.cf text in Nix)', "    extraConfig = ''\n      relayhost = [smtp.relay.example]:587\n    '';\n", "    extraConfig = ''\n      relayhost = [198.51.100.10]:587\n    '';\n"],
    [
      'settings.master -o',
      '    settings.master.smtp = { type = "unix"; command = "smtp"; args = [ "-o" "relayhost=[smtp.relay.example]:587" ]; };\n',
      '    settings.master.smtp = { type = "unix"; command = "smtp"; args = [ "-o" "relayhost=[198.51.100.10]:587" ]; };\n',
    ],
  ];
  for (const [name, before, after] of forms) {
    await withAnalysis({ 'hosts/client/default.nix': host(before) }, async (a) => {
      const f = one(a, RELAY);
      assert.equal(a.rel(f.at.file), 'hosts/client/default.nix', name);
      const fx = fixTitled(f, LITERAL);
      assert.equal(fx.edits.length, 1, name);
      const r = await roundTrip(a, f, fx);
      try {
        assert.equal(r.changed.get('hosts/client/default.nix'), host(after), name);
        assert.deepEqual(r.after.of(RELAY), [], name);
      } finally {
        r.after.dispose();
      }
    });
  }
});

test('relay-dual-stack-without-ipv6: no literal fix for an MX-style next hop (no brackets: the name is looked up for MX), only inet_protocols = ipv4', async () => {
  const files = { 'hosts/client/default.nix': host('    settings.main.relayhost = "smtp.relay.example:587";\n') };
  const titles = await everyFixRoundTrips(files, RELAY);
  assert.deepEqual(titles, [['Set inet_protocols = ipv4 (the host has no IPv6; Postfix then looks up only A records)']]);
});

test('relay-dual-stack-without-ipv6: a standalone main.cf has no known network, so neither finding nor literal fix (the main.cf form is unreachable by design)', async () => {
  await withAnalysis({ 'postfix/main.cf': 'relayhost = [smtp.relay.example]:587\n', 'postfix/master.cf': 'smtp unix - - n - - smtp\n' }, (a) => {
    assert.deepEqual(a.of(RELAY), []);
  });
});

test('hardcoded-tailnet-address: a relayhost list in Nix gets the MagicDNS placeholder inside the string', async () => {
  const files = { 'hosts/client/default.nix': host('    settings.main.relayhost = [ "[100.101.102.103]:25" ];\n') };
  await withAnalysis(files, async (a) => {
    const f = one(a, TAILNET);
    assert.equal(f.at.range.start.line, 8);
    const fx = fixTitled(f, /^Replace 100\.101\.102\.103 with the node's MagicDNS name \(placeholder MACHINE\.TAILNET-NAME\.ts\.net: edit it\)$/);
    const r = await roundTrip(a, f, fx);
    try {
      assert.equal(r.changed.get('hosts/client/default.nix'), host('    settings.main.relayhost = [ "[MACHINE.TAILNET-NAME.ts.net]:25" ];\n'));
      assert.deepEqual(r.after.of(TAILNET), []);
    } finally {
      r.after.dispose();
    }
  });
  // The same through a transport-style -o in settings.master.
  const viaMaster = { 'hosts/client/default.nix': host('    settings.master.relay = { type = "unix"; command = "smtp"; args = [ "-o" "relayhost=[100.64.7.8]:2525" ]; };\n') };
  assert.deepEqual(await everyFixRoundTrips(viaMaster, TAILNET), [["Replace 100.64.7.8 with the node's MagicDNS name (placeholder MACHINE.TAILNET-NAME.ts.net: edit it)"]]);
});

test('postfix-inet-interfaces-loopback: NixOS settings.main as a list and as a string; the value becomes loopback-only in the same form', async () => {
  const forms: [string, string, string][] = [
    ['list', '    settings.main.inet_interfaces = [ "127.0.0.1" "[::1]" ];\n', '    settings.main.inet_interfaces = [ "loopback-only" ];\n'],
    ['string', '    settings.main.inet_interfaces = "127.0.0.1, [::1]";\n', '    settings.main.inet_interfaces = "loopback-only";\n'],
    ['nested set', '    settings.main = {\n      myhostname = "relay-client.acme.example";\n      inet_interfaces = "127.0.0.1 ::1";\n    };\n', '    settings.main = {\n      myhostname = "relay-client.acme.example";\n      inet_interfaces = "loopback-only";\n    };\n'],
  ];
  for (const [name, before, after] of forms) {
    await withAnalysis({ 'hosts/client/default.nix': host(before) }, async (a) => {
      const f = one(a, LOOPBACK);
      const fx = fixTitled(f, /^Set inet_interfaces = loopback-only$/);
      const r = await roundTrip(a, f, fx);
      try {
        assert.equal(r.changed.get('hosts/client/default.nix'), host(after), name);
        assert.deepEqual(r.after.of(LOOPBACK), [], name);
      } finally {
        r.after.dispose();
      }
    });
  }
});
