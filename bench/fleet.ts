/**
 * A synthetic but realistic fleet, deterministic from a seed: N NixOS hosts (host file
 * importing its network module, the common module, a site module and role modules), about
 * one in five running Postfix, compose stacks, standalone legacy relays (main.cf/master.cf),
 * zone files for every name and address, and deliberate findings sprinkled in.
 *
 * Addresses: IPv4 from the RFC 2544 benchmarking range 198.18.0.0/15, IPv6 from 2001:db8::/32;
 * names under `.example`. The same seed and size always produce the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FleetOptions {
  readonly hosts: number;
  readonly seed?: number;
  /** Also write the 2,000-line module (imported by host 0) and the 300-line main.cf. */
  readonly bigFiles?: boolean;
}

export interface FleetLayout {
  readonly root: string;
  /** Relative path → content. */
  readonly files: ReadonlyMap<string, string>;
  readonly zoneOrigins: readonly string[];
  readonly hostNames: readonly string[];
  /** The module every host imports (edit cost for a module shared by many hosts). */
  readonly commonModule: string;
  readonly bigModule?: string;
  readonly bigMainCf?: string;
}

/** mulberry32: small, fast, good enough for choosing fixtures. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 4) => String(n).padStart(w, '0');

interface HostPlan {
  readonly i: number;
  readonly name: string;
  readonly site: number;
  readonly domain: string;
  readonly v4: string;
  readonly v4gw: string;
  readonly v6: string;
  readonly v6gw: string;
  readonly mail: boolean;
  readonly web: boolean;
  readonly docker: boolean;
  /** DNS publishes an AAAA the host does not configure (aaaa-not-on-host). */
  readonly missingV6: boolean;
  /** The mail host's IPv6 has no PTR. */
  readonly noPtr: boolean;
  /** Uses the legacy mail module (unbracketed IPv6 in mynetworks). */
  readonly legacyMail: boolean;
  readonly iface: string;
}

function v4Of(i: number): { addr: string; gw: string; third: number; fourth: number } {
  // 200 hosts per /24 (host numbers 10..209), /24s counted up through 198.18.0.0/15.
  const block = Math.floor(i / 200);
  const b = 18 + Math.floor(block / 256);
  const c = block % 256;
  const d = (i % 200) + 10;
  return { addr: `198.${b}.${c}.${d}`, gw: `198.${b}.${c}.1`, third: c, fourth: d };
}

function hex(n: number): string {
  return n.toString(16);
}

function ipv6Nibbles(addr: string): string {
  // Expand `2001:db8:X:Y::Z` into 32 nibbles (only the forms this generator writes).
  const [head, tail] = addr.split('::');
  const h = head.split(':');
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.map((g) => g.padStart(4, '0')).join('');
}

function reverse6(addr: string): string {
  return ipv6Nibbles(addr).split('').reverse().join('.');
}

export function planFleet(options: FleetOptions): HostPlan[] {
  const r = rng(options.seed ?? 1);
  const sites = Math.max(4, Math.ceil(options.hosts / 80));
  const plans: HostPlan[] = [];
  for (let i = 0; i < options.hosts; i++) {
    const site = i % sites;
    const v4 = v4Of(i);
    const v6 = `2001:db8:${hex(0x100 + site)}:${hex(i)}::10`;
    const mail = r() < 0.2;
    plans.push({
      i,
      name: `h${pad(i)}`,
      site,
      domain: `site${pad(site, 2)}.example`,
      v4: v4.addr,
      v4gw: v4.gw,
      v6,
      v6gw: `2001:db8:${hex(0x100 + site)}:${hex(i)}::1`,
      mail,
      web: r() < 0.4,
      docker: r() < 0.25,
      missingV6: r() < 0.05,
      noPtr: mail && r() < 0.1,
      legacyMail: mail && r() < 0.15,
      iface: r() < 0.5 ? 'ens3' : 'enp1s0',
    });
  }
  return plans;
}

function hostFile(h: HostPlan, big: boolean): string {
  const imports = ['./network.nix', '../../modules/common.nix', `../../modules/sites/site${pad(h.site, 2)}.nix`];
  if (h.web) imports.push('../../modules/roles/web.nix');
  if (h.mail) imports.push(h.legacyMail ? '../../modules/roles/mail-legacy.nix' : '../../modules/roles/mail.nix');
  if (h.docker) imports.push('../../modules/roles/docker.nix');
  if (big) imports.push('../../modules/big/services.nix');
  return `{ config, lib, pkgs, ... }:
{
  imports = [
${imports.map((p) => `    ${p}`).join('\n')}
  ];

  networking.hostName = "${h.name}";

  users.users.ops${h.i % 7} = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
  };

  time.timeZone = "UTC";
  system.stateVersion = "24.11";
}
`;
}

function networkFile(h: HostPlan): string {
  const v6 = h.missingV6
    ? ''
    : `    ipv6.addresses = [ { address = "${h.v6}"; prefixLength = 64; } ];\n`;
  const gw6 = h.missingV6 ? '' : `  networking.defaultGateway6 = { address = "${h.v6gw}"; interface = "${h.iface}"; };\n`;
  return `{ lib, ... }:
{
  networking.useDHCP = false;

  networking.interfaces.${h.iface} = {
    ipv4.addresses = [ { address = "${h.v4}"; prefixLength = 24; } ];
${v6}  };

  networking.defaultGateway = { address = "${h.v4gw}"; interface = "${h.iface}"; };
${gw6}
  # The provider sends no router advertisements.
  boot.kernel.sysctl = {
    "net.ipv6.conf.all.accept_ra" = 0;
    "net.ipv6.conf.default.accept_ra" = 0;
  };

  networking.nameservers = [ "198.18.0.2" "2001:db8:100::53" ];
}
`;
}

const COMMON = `{ config, lib, pkgs, ... }:
{
  services.openssh = {
    enable = true;
    settings.PasswordAuthentication = false;
  };
  networking.firewall.enable = true;
  networking.firewall.allowedTCPPorts = [ 22 ];
  services.prometheus.exporters.node = {
    enable = true;
    port = 9100;
  };
  nix.settings.experimental-features = [ "nix-command" "flakes" ];
  security.sudo.wheelNeedsPassword = false;
  environment.systemPackages = with pkgs; [ vim git htop tmux ];
}
`;

function siteFile(site: number): string {
  return `{ lib, ... }:
{
  networking.domain = "site${pad(site, 2)}.example";
  services.timesyncd.servers = [ "ntp.site${pad(site, 2)}.example" ];
}
`;
}

const WEB = `{ config, ... }:
{
  services.nginx = {
    enable = true;
    recommendedTlsSettings = true;
    virtualHosts."\${config.networking.hostName}.\${config.networking.domain}" = {
      forceSSL = false;
      locations."/".return = "200 ok";
    };
  };
  networking.firewall.allowedTCPPorts = [ 80 443 ];
}
`;

function mailModule(legacy: boolean): string {
  const nets = legacy
    ? `[ "127.0.0.0/8" "::1/128" "198.18.0.0/15" ]` // deliberate: IPv6 without brackets
    : `[ "127.0.0.0/8" "[::1]/128" "198.18.0.0/15" "[2001:db8::]/32" ]`;
  return `{ config, lib, ... }:
let
  domain = config.networking.domain;
in
{
  services.postfix = {
    enable = true;
    settings.main = {
      myhostname = "\${config.networking.hostName}.\${domain}";
      mydomain = domain;
      mydestination = [ "$myhostname" "localhost.$mydomain" "$mydomain" ];
      mynetworks = ${nets};
      smtpd_tls_security_level = "may";
      smtp_tls_security_level = "may";
    };
  };
  services.dovecot2.enable = true;
  networking.firewall.allowedTCPPorts = [ 25 143 465 587 993 ];
}
`;
}

const DOCKER = `{ ... }:
{
  virtualisation.docker.enable = true;
  virtualisation.docker.daemon.settings = {
    ipv6 = true;
    fixed-cidr-v6 = "2001:db8:ffff::/64";
  };
}
`;

function composeFile(h: HostPlan, bad: boolean): string {
  const port = bad ? `"2001:db8:${hex(0x100 + h.site)}:${hex(h.i)}::10:8080:80"` : `"[${h.v6}]:8080:80"`;
  return `# Stack of ${h.name}: an app, its relay, and a metrics sidecar.
name: ${h.name}-apps

services:
  tailscale:
    image: tailscale/tailscale:stable
    hostname: ${h.name}-ts
    environment:
      - TS_STATE_DIR=/var/lib/tailscale
    volumes:
      - ts-state:/var/lib/tailscale

  relay:
    image: boky/postfix:latest
    network_mode: service:tailscale
    environment:
      RELAYHOST: "[\${SMARTHOST:-smtp.relay.example}]:587"
      ALLOWED_SENDER_DOMAINS: ${h.domain}

  app:
    image: registry.example/app:1.${h.i % 10}
    ports:
      - "8080:80"
      - ${port}
    environment:
      SMTP_HOST: relay
      SMTP_PORT: "25"

volumes:
  ts-state:
`;
}

function relayMainCf(name: string, domain: string, v4: string, lines: number): string {
  const out = [
    `# Legacy relay ${name} (before the NixOS migration; still running).`,
    `myhostname = ${name}.${domain}`,
    `mydomain = ${domain}`,
    'inet_interfaces = all',
    'inet_protocols = all',
    `mynetworks = 127.0.0.0/8 [::1]/128`,
    `    ${v4}/32 198.18.0.0/15`,
    'relayhost = [smtp.relay.example]:587',
    'smtpd_tls_security_level = may',
    'smtp_tls_security_level = may',
    'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
  ];
  const params = [
    'smtpd_banner = $myhostname ESMTP',
    'biff = no',
    'append_dot_mydomain = no',
    'readme_directory = no',
    'compatibility_level = 3.6',
    'smtpd_tls_cert_file = /etc/ssl/certs/ssl-cert-snakeoil.pem',
    'smtpd_tls_key_file = /etc/ssl/private/ssl-cert-snakeoil.key',
    'alias_maps = hash:/etc/aliases',
    'alias_database = hash:/etc/aliases',
    'mailbox_size_limit = 0',
    'recipient_delimiter = +',
    'message_size_limit = 52428800',
    'smtpd_helo_required = yes',
    'disable_vrfy_command = yes',
    'smtp_tls_loglevel = 1',
    'smtpd_tls_loglevel = 1',
    'maximal_queue_lifetime = 3d',
    'bounce_queue_lifetime = 3d',
    'smtpd_client_connection_count_limit = 20',
    'smtpd_client_connection_rate_limit = 60',
  ];
  let k = 0;
  while (out.length < lines) {
    if (k % 4 === 0) out.push(`# ${['Queue', 'TLS', 'Limits', 'Lookups', 'Restrictions'][k % 5]} settings, block ${k}`);
    else if (k % 4 === 3) out.push('');
    else {
      const p = params[k % params.length];
      // Repeated parameters are legal in main.cf (the last wins); vary the value to stay realistic.
      out.push(k < params.length * 2 ? p : p.replace(/= (.*)$/, (_m, v: string) => `= ${v}`));
    }
    k++;
  }
  return out.slice(0, lines).join('\n') + '\n';
}

const MASTER_CF = `# service type  private unpriv  chroot  wakeup  maxproc command + args
smtp      inet  n       -       y       -       -       smtpd
pickup    unix  n       -       y       60      1       pickup
cleanup   unix  n       -       y       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       y       1000?   1       tlsmgr
rewrite   unix  -       -       y       -       -       trivial-rewrite
bounce    unix  -       -       y       -       0       bounce
defer     unix  -       -       y       -       0       bounce
trace     unix  -       -       y       -       0       bounce
verify    unix  -       -       y       -       1       verify
flush     unix  n       -       y       1000?   0       flush
smtp      unix  -       -       y       -       -       smtp
relay     unix  -       -       y       -       -       smtp
showq     unix  n       -       y       -       -       showq
error     unix  -       -       y       -       -       error
retry     unix  -       -       y       -       -       error
discard   unix  -       -       y       -       -       discard
local     unix  -       n       n       -       -       local
lmtp      unix  -       -       y       -       -       lmtp
anvil     unix  -       -       y       -       1       anvil
scache    unix  -       -       y       -       1       scache
`;

/** The 2,000-line module: many virtual hosts, users and timers, as a large services module grows. */
export function bigModule(lines = 2000): string {
  const out = ['{ config, lib, pkgs, ... }:', 'let', '  domain = config.networking.domain;', 'in', '{'];
  let k = 0;
  while (out.length < lines - 2) {
    switch (k % 3) {
      case 0:
        out.push(
          `  services.nginx.virtualHosts."app${k}.\${domain}" = {`,
          `    serverAliases = [ "www.app${k}.\${domain}" ];`,
          `    locations."/" = {`,
          `      proxyPass = "http://127.0.0.1:${8000 + (k % 1000)}";`,
          `      extraConfig = ''`,
          `        proxy_set_header Host $host;`,
          `        proxy_read_timeout ${30 + (k % 60)}s;`,
          `      '';`,
          `    };`,
          `  };`,
        );
        break;
      case 1:
        out.push(
          `  users.users.svc${k} = {`,
          `    isSystemUser = true;`,
          `    group = "svc${k}";`,
          `    description = "service account ${k}";`,
          `  };`,
          `  users.groups.svc${k} = { };`,
        );
        break;
      default:
        out.push(
          `  systemd.timers.job${k} = {`,
          `    wantedBy = [ "timers.target" ];`,
          `    timerConfig.OnCalendar = "*-*-* ${pad(k % 24, 2)}:${pad(k % 60, 2)}:00";`,
          `  };`,
        );
    }
    k++;
  }
  out.push('  networking.firewall.allowedTCPPorts = [ 8443 ];', '}');
  return out.join('\n') + '\n';
}

function zoneHeader(origin: string): string[] {
  return [
    `; ${origin}: generated for infra-review benchmarks`,
    `$ORIGIN ${origin}.`,
    '$TTL 3600',
    `@ IN SOA ns1.site00.example. hostmaster.site00.example. 2026112101 7200 900 1209600 300`,
    `  IN NS ns1.site00.example.`,
  ];
}

export function generateFleet(options: FleetOptions): FleetLayout {
  const plans = planFleet(options);
  const files = new Map<string, string>();
  const sites = Math.max(4, Math.ceil(options.hosts / 80));
  const big = !!options.bigFiles;
  for (const h of plans) {
    files.set(`hosts/${h.name}/default.nix`, hostFile(h, big && h.i === 0));
    files.set(`hosts/${h.name}/network.nix`, networkFile(h));
    if (h.docker) {
      files.set(`stacks/${h.name}/compose.yaml`, composeFile(h, h.i % 3 === 0));
      files.set(`stacks/${h.name}/.env`, `# ${h.name}\nSMARTHOST=smtp.relay.example\n`);
    }
  }
  files.set('modules/common.nix', COMMON);
  for (let s = 0; s < sites; s++) files.set(`modules/sites/site${pad(s, 2)}.nix`, siteFile(s));
  files.set('modules/roles/web.nix', WEB);
  files.set('modules/roles/mail.nix', mailModule(false));
  files.set('modules/roles/mail-legacy.nix', mailModule(true));
  files.set('modules/roles/docker.nix', DOCKER);
  // One legacy relay per 20 hosts: main.cf + master.cf outside NixOS.
  const relays = Math.max(1, Math.floor(options.hosts / 20));
  const relayAddrs: { name: string; domain: string; v4: string; v6: string }[] = [];
  for (let k = 0; k < relays; k++) {
    const site = k % sites;
    const domain = `site${pad(site, 2)}.example`;
    const name = `relay${pad(k, 3)}`;
    const v4 = `198.19.255.${(k % 200) + 10}`;
    const v6 = `2001:db8:${hex(0x100 + site)}:ffff::${hex(k + 1)}`;
    relayAddrs.push({ name, domain, v4, v6 });
    files.set(`legacy/${name}/main.cf`, relayMainCf(name, domain, v4, 14));
    files.set(`legacy/${name}/master.cf`, MASTER_CF);
  }
  let bigModulePath: string | undefined;
  let bigMainCfPath: string | undefined;
  if (big) {
    bigModulePath = 'modules/big/services.nix';
    files.set(bigModulePath, bigModule(2000));
    bigMainCfPath = 'legacy/relay-big/main.cf';
    files.set(bigMainCfPath, relayMainCf('relay-big', 'site00.example', '198.19.254.10', 300));
    files.set('legacy/relay-big/master.cf', MASTER_CF);
    relayAddrs.push({ name: 'relay-big', domain: 'site00.example', v4: '198.19.254.10', v6: '2001:db8:100:fffe::10' });
  }

  // Zones: one per site, a relay.example zone, reverse zones for 198.18/15 and 2001:db8::/32.
  const zoneOrigins: string[] = [];
  const fwd = new Map<string, string[]>();
  for (let s = 0; s < sites; s++) {
    const origin = `site${pad(s, 2)}.example`;
    const z = zoneHeader(origin);
    z.push(`@ IN MX 10 mx.${origin}.`, `@ IN TXT "v=spf1 mx ip4:198.18.0.0/15 ip6:2001:db8::/32 -all"`, `ntp IN A 198.18.0.3`);
    if (s === 0) z.push('ns1 IN A 198.18.0.2', 'ns1 IN AAAA 2001:db8:100::53');
    z.push(`mx IN A 198.18.0.25`);
    fwd.set(origin, z);
  }
  const rev4 = new Map<string, string[]>([
    ['18.198.in-addr.arpa', zoneHeader('18.198.in-addr.arpa')],
    ['19.198.in-addr.arpa', zoneHeader('19.198.in-addr.arpa')],
  ]);
  const rev6 = zoneHeader('8.b.d.0.1.0.0.2.ip6.arpa');
  const ptr4 = (v4: string, name: string) => {
    const [, b, c, d] = v4.split('.');
    rev4.get(`${b}.198.in-addr.arpa`)!.push(`${d}.${c} IN PTR ${name}.`);
  };
  const ptr6 = (v6: string, name: string) => rev6.push(`${reverse6(v6).slice(0, -'.8.b.d.0.1.0.0.2'.length)} IN PTR ${name}.`);
  for (const h of plans) {
    const z = fwd.get(h.domain)!;
    const fqdn = `${h.name}.${h.domain}`;
    z.push(`${h.name} IN A ${h.v4}`, `${h.name} IN AAAA ${h.v6}`);
    if (h.web) z.push(`www-${h.name} IN CNAME ${h.name}`);
    ptr4(h.v4, fqdn);
    if (!h.noPtr) ptr6(h.v6, fqdn);
  }
  for (const r of relayAddrs) {
    fwd.get(r.domain)!.push(`${r.name} IN A ${r.v4}`, `${r.name} IN AAAA ${r.v6}`);
    ptr4(r.v4, `${r.name}.${r.domain}`);
    ptr6(r.v6, `${r.name}.${r.domain}`);
  }
  for (const [origin, z] of fwd) {
    files.set(`dns/${origin}.zone`, z.join('\n') + '\n');
    zoneOrigins.push(origin);
  }
  for (const [origin, z] of rev4) {
    files.set(`dns/${origin}.zone`, z.join('\n') + '\n');
    zoneOrigins.push(origin);
  }
  files.set('dns/8.b.d.0.1.0.0.2.ip6.arpa.zone', rev6.join('\n') + '\n');
  zoneOrigins.push('8.b.d.0.1.0.0.2.ip6.arpa');
  const relayZone = zoneHeader('relay.example');
  relayZone.push('smtp IN A 198.19.253.25', 'smtp IN AAAA 2001:db8:1ff::25', '@ IN TXT "v=spf1 -all"');
  ptr4('198.19.253.25', 'smtp.relay.example');
  files.set('dns/relay.example.zone', relayZone.join('\n') + '\n');
  zoneOrigins.push('relay.example');
  // rev4 for 19.198 got the relay PTR after it was written: rewrite it.
  files.set('dns/19.198.in-addr.arpa.zone', rev4.get('19.198.in-addr.arpa')!.join('\n') + '\n');

  return {
    root: '',
    files,
    zoneOrigins,
    hostNames: plans.map((h) => `${h.name}.${h.domain}`),
    commonModule: 'modules/common.nix',
    ...(bigModulePath ? { bigModule: bigModulePath } : {}),
    ...(bigMainCfPath ? { bigMainCf: bigMainCfPath } : {}),
  };
}

/** Writes the fleet under `dir` and returns the layout with `root` set. */
export function writeFleet(dir: string, options: FleetOptions): FleetLayout {
  const layout = generateFleet(options);
  for (const [rel, text] of layout.files) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { ...layout, root: dir };
}
