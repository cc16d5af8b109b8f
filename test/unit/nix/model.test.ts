import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SourceFile } from '../../../server/src/core/source';
import type { Host, PostfixInstance } from '../../../server/src/model/types';
import { analyzeNix } from '../../../server/src/nix/index';
import { CORPUS, FIXTURES } from '../../support/paths';
import { nixFilesUnder } from './nix-files';

function load(dir: string): SourceFile[] {
  return nixFilesUnder(dir).map((path) => ({ path, kind: 'nix', text: readFileSync(path, 'utf8') }));
}

const text = (loc: { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }) => {
  const lines = readFileSync(loc.file, 'utf8').split('\n');
  if (loc.range.start.line !== loc.range.end.line) return '<multi-line>';
  return lines[loc.range.start.line].slice(loc.range.start.character, loc.range.end.character);
};

const addrs = (h: Host) => h.network.addresses.map((a) => `${a.interface ?? '-'} ${a.address}/${a.prefixLength ?? '?'}`).sort();
const gws = (h: Host) => h.network.gateways.map((g) => `${g.family} ${g.address}${g.interface ? '%' + g.interface : ''}`).sort();
const param = (p: PostfixInstance | undefined, name: string) => p?.main.find((m) => m.name === name);

test('every .nix file of the corpus is modelled without an exception', async () => {
  const files = load(CORPUS);
  assert.ok(files.length >= 15);
  const r = await analyzeNix(files, { root: CORPUS });
  assert.equal(r.summaries.length, files.length);
  // Only the real syntax error of the corpus (mx02.nix: a missing ';') is reported.
  const withErrors = r.summaries.filter((s) => s.syntaxErrors.length).map((s) => s.file.slice(CORPUS.length + 1));
  assert.deepEqual(withErrors, ['kryptic2000__nixos-config/servers/emtorp.net/mx02.nix']);
});

test('corpus hosts: names, addresses, gateways, Postfix values and unknowns', async () => {
  const r = await analyzeNix(load(CORPUS), { root: CORPUS });
  const host = (id: string) => {
    const h = r.hosts.find((x) => x.id === id);
    assert.ok(h, `host ${id} among ${r.hosts.map((x) => x.id).join(', ')}`);
    return h;
  };
  const pf = (h: Host) => r.postfix.find((p) => p.id === h.postfix);

  // rissson mail-1: two IPv4 interfaces, no IPv6, Postfix with legacy options.
  const mail1 = host('rissson__dotshabka/hosts/fsn/mail-1/configuration.nix');
  assert.deepEqual(mail1.names.map((n) => `${n.name} ${n.source}`).sort(), [
    'mail-1.lama-corp.space myhostname',
    'mail-1.lama-corp.space services.postfix.hostname',
    'mail-1.vrt.fsn.lama-corp.space networking.hostName',
  ]);
  assert.deepEqual(addrs(mail1), ['ens3 172.28.6.11/24', 'public 148.251.148.232/32']);
  assert.deepEqual(gws(mail1), ['4 172.28.6.254%ens3']);
  assert.equal(mail1.network.dynamicV4, 'no');
  assert.equal(mail1.network.dynamicV6, 'possible');
  assert.deepEqual(mail1.network.openTcpPorts, [25, 465, 587]);
  assert.deepEqual(mail1.mailDomains.map((d) => d.domain), ['lama-corp.space']);
  assert.equal(text(mail1.network.addresses.find((a) => a.interface === 'public')!.at), '148.251.148.232');
  const p1 = pf(mail1);
  assert.equal(param(p1, 'mynetworks')?.value, '172.28.0.0/16, 127.0.0.0/8, [::ffff:127.0.0.0]/104, [::1]/128');
  assert.equal(param(p1, 'mynetworks')?.option, 'services.postfix.networks');
  assert.deepEqual(param(p1, 'mynetworks')?.items.map((i) => text(i.at)), ['172.28.0.0/16', '127.0.0.0/8', '[::ffff:127.0.0.0]/104', '[::1]/128']);
  assert.equal(param(p1, 'smtp_bind_address')?.value, '148.251.148.232');
  assert.equal(param(p1, 'biff')?.value, 'no');
  assert.equal(text(param(p1, 'biff')!.valueAt), 'false');
  assert.equal(param(p1, 'virtual_mailbox_domains')?.items.length, 8);
  assert.equal(param(p1, 'maillog_file_compressor')?.value, null, 'pkgs is not evaluated');
  assert.equal(param(p1, 'smtpd_tls_eccert_file')?.value, null, 'config.security.acme is not in the workspace');
  const smtp = p1?.master.find((m) => m.service === 'smtp');
  assert.equal(smtp?.overrides[0].name, 'smtp_bind_address');
  assert.equal(text(smtp!.overrides[0].valueAt), '148.251.148.232');
  assert.equal(p1?.master.find((m) => m.service === 'relay')?.command, 'smtp');

  // pub-solar: flake-parts nixosConfigurations whose directory module is missing adopt networking.nix.
  const nacht = host('pub-solar__infra/hosts/default.nix#nachtigall');
  assert.deepEqual(addrs(nacht), ['enp35s0 138.201.80.102/26', 'enp35s0 2a01:4f8:172:1c25::1/64']);
  assert.deepEqual(gws(nacht), ['4 138.201.80.65', '6 fe80::1%enp35s0']);
  assert.equal(nacht.network.dynamicV4, 'no');
  const metro = host('pub-solar__infra/hosts/default.nix#metronom');
  assert.deepEqual(addrs(metro), ['enp1s0 2a01:4f8:c2c:7082::1/64']);
  assert.deepEqual(gws(metro), ['6 fe80::1%enp1s0']);
  assert.equal(metro.network.interfaces[0].source, 'systemd.network');
  assert.equal(metro.network.interfaces[0].dhcp?.known && metro.network.interfaces[0].dhcp.value, 'ipv4');
  assert.equal(metro.network.dynamicV4, 'possible');

  // maralorn hera: addresses built from config.m-0 (another file's option): unknown, not guessed.
  const hera = host('tomjaguarpaw__maralorn-config/nixos/roles/hera/network.nix');
  assert.deepEqual(hera.names.map((n) => n.name), ['hera.m-0.eu']);
  assert.deepEqual(hera.network.addresses, []);
  assert.equal(hera.network.unknownAddresses.length, 2);
  assert.deepEqual(gws(hera), ['4 213.136.94.1%ens18', '6 fe80::1%ens18']);
  assert.deepEqual(hera.network.openTcpPorts, [8666]);

  // kryptic mx02 (old version): static dual stack; new version: everything through netcfg (unknown).
  const mxOld = host('kryptic2000__nixos-config@4ab14be8/servers/emtorp.net/mx02.nix');
  assert.deepEqual(addrs(mxOld), ['ens32 2001:67c:22fc:1::134/64', 'ens32 91.228.90.134/28']);
  assert.deepEqual(gws(mxOld), ['4 91.228.90.129', '6 2001:67c:22fc:1::1']);
  const mxNew = host('kryptic2000__nixos-config/servers/emtorp.net/mx02.nix');
  assert.deepEqual(mxNew.network.addresses, []);
  assert.ok(mxNew.network.unknownAddresses.length >= 1);
  assert.deepEqual(mxNew.names, [], 'networking.hostName = netcfg.hostName is unknown');
  const pNew = pf(mxNew);
  assert.equal(param(pNew, 'relay_domains')?.value, 'emtorp.net, emtorp.se, devkit.se');
  assert.equal(param(pNew, 'smtpd_helo_required')?.value, 'yes');
  assert.ok(pNew?.master.some((m) => m.service === 'policyspf' && m.command === 'spawn'));

  // matthewdargan nas: relayHost + relayPort → relayhost = [smtp.gmail.com]:587.
  const nas = host('matthewdargan__repo@591f250e/nixos/configurations/nas/default.nix');
  assert.deepEqual(nas.names.map((n) => n.name), ['nas']);
  assert.deepEqual(nas.network.openTcpPorts, [22]);
  const pnas = pf(nas);
  assert.equal(param(pnas, 'relayhost')?.value, '[smtp.gmail.com]:587');
  assert.equal(text(param(pnas, 'relayhost')!.valueAt), 'smtp.gmail.com');
  assert.equal(param(pnas, 'smtp_sasl_password_maps')?.value, null);

  // Modules outside any host that enable Postfix still give an instance (no host).
  const bjorn = r.postfix.find((p) => p.id.includes('bjornfor'));
  assert.equal(param(bjorn, 'smtp_address_preference')?.value, 'ipv4');
  assert.equal(text(param(bjorn, 'smtp_address_preference')!.valueAt), 'ipv4');
  const chat = r.postfix.find((p) => p.id.includes('chatmail'));
  assert.equal(param(chat, 'mynetworks')?.value, '127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128');
  assert.equal(param(chat, 'inet_protocols')?.value, 'all');
  assert.equal(param(chat, 'myhostname')?.value, null, 'config.networking.fqdn is not set');
  assert.equal(text(param(chat, 'myhostname')!.valueAt), '${chatmailDomain}');
  const reinject = chat?.master.find((m) => m.service === 'localhost:10025');
  assert.equal(reinject?.type, 'inet', 'extraMasterConf parsed, ${toString cfg.postfixReinjectPort} from the option default');
});

test('a flake fixture: host, imports, interpolated address, Postfix settings', async () => {
  const dir = join(FIXTURES, 'nix/flake-host');
  const r = await analyzeNix(load(dir), { root: dir });
  assert.equal(r.hosts.length, 1);
  const h = r.hosts[0];
  assert.equal(h.id, 'flake.nix#mx');
  assert.equal(h.name, 'mx');
  assert.deepEqual(h.names.map((n) => `${n.name} ${n.source}`).sort(), ['mx.example.test myhostname', 'mx.example.test networking.hostName', 'mx.example.test services.postfix.hostname']);
  assert.deepEqual(addrs(h), ['ens3 192.0.2.25/24', 'ens3 2001:db8:10::25/64']);
  assert.equal(text(h.network.addresses.find((a) => a.family === 6)!.at), '${prefix}::25');
  assert.deepEqual(gws(h), ['4 192.0.2.1', '6 fe80::1%ens3']);
  assert.deepEqual(h.network.openTcpPorts, [25, 587]);
  assert.equal(h.network.dynamicV4, 'no');
  assert.deepEqual(h.missingImports.map((m) => m.path.replace(dir, '')).sort(), ['/hosts/mx/missing.nix', '<modulesPath>/profiles/qemu-guest.nix']);
  const p = r.postfix.find((x) => x.id === h.postfix)!;
  assert.equal(p.origin.kind === 'nixos' && p.origin.file, join(dir, 'modules/postfix.nix'));
  assert.equal(param(p, 'myhostname')?.value, 'mx.example.test');
  assert.equal(param(p, 'mynetworks')?.value, '127.0.0.0/8, ::1/128');
  assert.equal(text(param(p, 'mynetworks')!.items[1].at), '::1/128');
  assert.equal(param(p, 'smtp_bind_address6')?.value, '2001:db8:10::25');
  assert.equal(param(p, 'smtputf8_enable')?.value, 'no');
  assert.equal(param(p, 'smtp_address_preference')?.source, 'nix.extraConfig');
  assert.equal(text(param(p, 'inet_protocols')!.valueAt), 'all');
  const smtp = p.master.find((m) => m.service === 'smtp');
  assert.equal(smtp?.overrides[0].name, 'inet_protocols');
  assert.equal(smtp?.overrides[0].value, 'ipv4');
});

test('a computed attribute name that reads config does not hide config values from other options', async () => {
  // web.nix names a virtual host after config.networking.*; mail.nix reads the same options.
  // NixOS evaluates attribute names lazily, so both resolve; an evaluator that computed every
  // name of a set while reading one option saw a false infinite recursion here.
  const root = '/fleet';
  const files: SourceFile[] = [
    {
      path: `${root}/hosts/a/default.nix`,
      kind: 'nix',
      text: '{ ... }: {\n  imports = [ ../../web.nix ../../mail.nix ];\n  networking.hostName = "a";\n  networking.domain = "site.example";\n}\n',
    },
    {
      path: `${root}/web.nix`,
      kind: 'nix',
      text: '{ config, ... }: {\n  services.nginx.virtualHosts."${config.networking.hostName}.${config.networking.domain}" = { root = "/srv"; };\n}\n',
    },
    {
      path: `${root}/mail.nix`,
      kind: 'nix',
      text: '{ config, ... }:\nlet domain = config.networking.domain; in {\n  services.postfix = {\n    enable = true;\n    settings.main.myhostname = "${config.networking.hostName}.${domain}";\n    settings.main.mydomain = domain;\n  };\n}\n',
    },
  ];
  const r = await analyzeNix(files, { root });
  assert.equal(r.hosts.length, 1);
  assert.equal(param(r.postfix[0], 'myhostname')?.value, 'a.site.example');
  assert.equal(param(r.postfix[0], 'mydomain')?.value, 'site.example');
  assert.deepEqual(r.hosts[0].mailDomains.map((d) => d.domain), ['site.example']);
});

test('mkIf conditions that read config are decided by the host, as NixOS pushes mkIf down to each option', async () => {
  // The classic module shape: an enable option, and its config under mkIf. Reading which names
  // the module defines must not evaluate the condition (that made `mailstack.enable` depend on
  // itself, so the condition was unknown and the module counted as enabled on every host).
  const root = '/fleet';
  const module = {
    path: `${root}/modules/mailstack.nix`,
    kind: 'nix' as const,
    text:
      '{ config, lib, ... }:\nlet cfg = config.services.mailstack; in {\n  options.services.mailstack.enable = lib.mkEnableOption "mail";\n' +
      '  config = lib.mkIf cfg.enable {\n    services.postfix.enable = true;\n    services.postfix.settings.main.mynetworks = [ "127.0.0.0/8" ];\n' +
      '    networking.interfaces.ens3.ipv6.addresses = lib.mkIf (config.networking.hostName == "on") [ { address = "2001:db8::25"; prefixLength = 64; } ];\n  };\n}\n',
  };
  const host = (name: string, body: string): SourceFile => ({
    path: `${root}/hosts/${name}/default.nix`,
    kind: 'nix',
    text: `{ ... }: {\n  imports = [ ../../modules/mailstack.nix ];\n  networking.hostName = "${name}";\n${body}}\n`,
  });
  const r = await analyzeNix([module, host('on', '  services.mailstack.enable = true;\n'), host('off', '  services.mailstack.enable = false;\n'), host('unset', '')], { root });
  const byName = (n: string) => r.hosts.find((h) => h.id === `hosts/${n}/default.nix`)!;
  assert.ok(byName('on').postfix, 'enabled: Postfix from the module');
  assert.equal(param(r.postfix.find((p) => p.id === byName('on').postfix), 'mynetworks')?.value, '127.0.0.0/8');
  assert.deepEqual(addrs(byName('on')), ['ens3 2001:db8::25/64'], 'a nested mkIf that holds');
  for (const n of ['off', 'unset']) {
    assert.equal(byName(n).postfix, undefined, `${n}: the module sets nothing`);
    assert.deepEqual(addrs(byName(n)), [], n);
  }
  // No host imports the module: it is read as it would be when enabled.
  const alone = await analyzeNix([module], { root });
  assert.equal(alone.hosts.length, 0);
  assert.equal(param(alone.postfix[0], 'mynetworks')?.value, '127.0.0.0/8');
});

test('a mkIf that holds keeps its definitions, a literal false drops them, an unknown condition is transparent', async () => {
  const root = '/fleet';
  const files: SourceFile[] = [
    {
      path: `${root}/hosts/a/default.nix`,
      kind: 'nix',
      text:
        '{ config, lib, pkgs, ... }: {\n  networking.hostName = "a";\n  services.postfix.enable = true;\n' +
        '  services.postfix.settings.main = lib.mkMerge [\n    (lib.mkIf config.services.postfix.enable { myorigin = "a.example"; })\n' +
        '    (lib.mkIf false { mydomain = "dropped.example"; })\n    (lib.mkIf pkgs.stdenv.isLinux { relayhost = "[relay.example]:587"; })\n  ];\n}\n',
    },
  ];
  const r = await analyzeNix(files, { root });
  const pf = r.postfix[0];
  assert.equal(param(pf, 'myorigin')?.value, 'a.example', 'the condition reads the option it sits beside');
  assert.equal(param(pf, 'mydomain'), undefined);
  assert.equal(param(pf, 'relayhost')?.value, '[relay.example]:587');
});

test('a mkIf inside a submodule value (an address entry, a gateway) is decided by the host too', async () => {
  const root = '/fleet';
  const host = (name: string): SourceFile => ({
    path: `${root}/hosts/${name}/default.nix`,
    kind: 'nix',
    text:
      `{ config, lib, ... }:\nlet on = config.networking.hostName == "on"; in {\n  networking.hostName = "${name}";\n` +
      '  networking.defaultGateway6 = { address = lib.mkIf on "2001:db8::1"; interface = "ens3"; };\n' +
      '  networking.interfaces.ens3.ipv6.addresses = [ { address = lib.mkIf on "2001:db8::25"; prefixLength = 64; } ];\n}\n',
  });
  const r = await analyzeNix([host('on'), host('off')], { root });
  const byName = (n: string) => r.hosts.find((h) => h.id === `hosts/${n}/default.nix`)!;
  assert.deepEqual(addrs(byName('on')), ['ens3 2001:db8::25/64']);
  assert.deepEqual(gws(byName('on')), ['6 2001:db8::1%ens3']);
  assert.deepEqual(addrs(byName('off')), []);
  assert.deepEqual(gws(byName('off')), []);
});

test('open TCP ports: the integers of every module, ascending, each once', async () => {
  const root = '/ws';
  const files: SourceFile[] = [
    { path: '/ws/host.nix', kind: 'nix', text: '{ imports = [ ./web.nix ]; networking.hostName = "p"; networking.firewall.allowedTCPPorts = [ 443 22 "8080" 80 443 ]; }' },
    { path: '/ws/web.nix', kind: 'nix', text: '{ networking.firewall.allowedTCPPorts = [ 80 8443 22 ]; }' },
  ];
  const r = await analyzeNix(files, { root });
  assert.deepEqual(r.hosts[0].network.openTcpPorts, [22, 80, 443, 8443]);
});
