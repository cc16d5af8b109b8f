/**
 * Reading a host's options below a prefix (`under`) gives the same definitions as reading
 * each full path from every module's root, whatever the modules write: nested and dotted
 * sets, mkMerge, mkIf, priorities, computed names, values that cannot be evaluated.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ConditionMode, Def, OptionReader } from '../../../server/src/nix/host-config';
import { Workspace } from '../../../server/src/nix/hosts';
import type { ParsedNix } from '../../../server/src/nix/parse';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';

before(() => initNixParser());

const MODULES: Record<string, string> = {
  'a.nix': `{ config, lib, pkgs, ... }: {
    networking.hostName = "a";
    networking.interfaces.eth0.ipv4.addresses = [ { address = "192.0.2.1"; prefixLength = 24; } ];
    networking.interfaces.\${pkgs.ifname}.useDHCP = true;
    networking.useDHCP = lib.mkDefault true;
    services.postfix = lib.mkMerge [
      { enable = true; settings.main.myhostname = "mx.example.org"; }
      (lib.mkIf true { settings.main.mydestination = [ "example.org" ]; })
      (lib.mkIf false { settings.main.relayhost = "[relay.example.org]"; })
      (lib.mkIf config.services.dovecot2.enable { settings.main.smtpd_sasl_type = "dovecot"; })
    ];
    mailserver = pkgs.mailserver;
  }`,
  'b.nix': `{ lib, ... }: {
    networking = {
      useDHCP = lib.mkForce false;
      interfaces = {
        eth0.ipv6.addresses = [ { address = "2001:db8::1"; prefixLength = 64; } ];
        eth0.useDHCP = false;
      };
      domain = "example.org";
    };
    services.postfix.settings = lib.mkForce { main.myhostname = "forced.example.org"; };
    mailserver.fqdn = "mail.example.org";
  }`,
  'c.nix': `{ config, lib, ... }: {
    networking.fqdn = "\${config.networking.hostName}.\${config.networking.domain}";
    networking.interfaces = "not a set";
    services = { postfix.hostname = config.networking.fqdn; };
    services.dovecot2 = lib.mkIf config.services.postfix.enable { enable = true; };
    networking.firewall = lib.mkIf config.networking.firewall.enable { allowedTCPPorts = [ 25 ]; };
  }`,
};

function hostConfig(conditions: ConditionMode = 'host') {
  const parsed = new Map<string, ParsedNix>();
  for (const [name, text] of Object.entries(MODULES)) parsed.set(`/t/${name}`, parseNixSync({ path: `/t/${name}`, kind: 'nix', text }));
  return new Workspace(parsed).hostConfig([...parsed.keys()].map((file) => ({ file })), conditions);
}

/** What a definition says, comparable with deepEqual (unknown values are fresh objects per read). */
function shape(d: Def) {
  const v = d.value;
  return {
    value: v.k === 'unknown' ? `unknown: ${v.reason}` : v,
    priority: d.priority,
    bindingAt: d.bindingAt,
    keyAt: d.keyAt,
    file: d.file,
    dynamicKey: d.dynamicKey,
  };
}

const read = (r: OptionReader, path: string[]) => r.defs(path).map(shape);

const PREFIXES = [['services'], ['networking'], ['networking', 'firewall'], ['networking', 'interfaces'], ['networking', 'interfaces', 'eth0'], ['services', 'postfix'], ['services', 'postfix', 'settings'], ['mailserver'], ['nothing', 'here']];
const RESTS = [[], ['hostName'], ['useDHCP'], ['eth0', 'useDHCP'], ['ipv4', 'addresses'], ['ipv6', 'addresses'], ['enable'], ['settings', 'main', 'myhostname'], ['main', 'myhostname'], ['main'], ['fqdn'], ['interfaces', 'eth0'], ['dovecot2', 'enable'], ['allowedTCPPorts'], ['anything', 'else']];

for (const mode of ['host', 'would-enable'] as const) {
  test(`under(prefix).defs(rest) is defs(prefix + rest), for every prefix and rest (mkIf decided: ${mode})`, () => {
    const cfg = hostConfig(mode);
    let nonEmpty = 0;
    for (const prefix of PREFIXES) {
      const part = cfg.under(prefix);
      for (const rest of RESTS) {
        const direct = read(cfg, [...prefix, ...rest]);
        assert.deepEqual(read(part, rest), direct, `${[...prefix, ...rest].join('.')}`);
        assert.deepEqual(part.keys(rest), cfg.keys([...prefix, ...rest]), `keys of ${[...prefix, ...rest].join('.')}`);
        assert.deepEqual(part.effective(rest).map(shape), cfg.effective([...prefix, ...rest]).map(shape));
        if (direct.length) nonEmpty++;
      }
    }
    // The shapes above are really exercised: many paths have definitions.
    assert.ok(nonEmpty >= 15, `${nonEmpty} paths with definitions`);
  });
}

test('definitions read below a prefix keep their priorities, computed names and unknown values', () => {
  const cfg = hostConfig();
  const net = cfg.under(['networking']);
  assert.deepEqual(net.defs(['useDHCP']).map((d) => d.priority), cfg.defs(['networking', 'useDHCP']).map((d) => d.priority));
  assert.equal(net.effective(['useDHCP']).length, 1, 'mkForce wins over mkDefault');
  assert.equal(net.effective(['useDHCP'])[0].file, '/t/b.nix');
  // `networking.interfaces.${pkgs.ifname}` may be any interface: it stays, marked, under every name.
  const eth0 = net.under(['interfaces', 'eth0']);
  assert.ok(eth0.defs(['useDHCP']).some((d) => d.dynamicKey));
  assert.deepEqual(net.under(['interfaces']).keys([]).map((k) => k.key), ['eth0']);
  // mkIf false contributes nothing; mkMerge parts are separate definitions.
  const main = cfg.under(['services', 'postfix', 'settings', 'main']);
  // The host decides a mkIf reading its configuration: dovecot2 is on because Postfix is.
  assert.deepEqual(main.keys([]).map((k) => k.key), ['myhostname', 'mydestination', 'smtpd_sasl_type']);
  assert.equal(main.defs(['relayhost']).length, 0);
  // `mailserver = pkgs.mailserver` cannot be evaluated: every option below it is unknown there.
  const ms = cfg.under(['mailserver']);
  assert.deepEqual(ms.defs(['enable']).map((d) => d.value.k), ['unknown']);
  assert.deepEqual(ms.defs(['fqdn']).map((d) => d.value.k), ['unknown', 'str']);
});
