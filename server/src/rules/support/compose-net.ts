/**
 * Compose network facts the mail rules share: which services send or receive mail, which
 * networks a service's traffic leaves through (following `network_mode: service:X`), whether
 * those networks have IPv6, and the one fix that gives a network IPv6 (enable_ipv6 plus an
 * RFC 4193 ULA /64, derived deterministically from the project and network so that the
 * same finding always offers the same edit).
 */
import { createHash } from 'node:crypto';
import type { Fix } from '../../core/finding';
import type { Location } from '../../core/text';
import type { EditKit } from '../../edits/kit';
import type { ComposeNetwork, ComposeProject, ComposeService } from '../../model/types';
import { composeRelays, envText } from './next-hops';

export const SMTP_PORTS: ReadonlySet<string> = new Set(['25', '465', '587']);

/** Ports of a service that publish SMTP (by container port). */
export function smtpPorts(service: ComposeService): ComposeService['ports'][number][] {
  return service.ports.filter((p) => p.protocol === 'tcp' && SMTP_PORTS.has(p.containerPort));
}

/** Receives mail (publishes 25/465/587) or relays it (names a relay host). */
export function handlesMail(service: ComposeService): boolean {
  return smtpPorts(service).length > 0 || composeRelays(service).length > 0;
}

export type Egress =
  | { readonly kind: 'networks'; readonly owner: ComposeService; readonly networks: readonly ComposeNetwork[] }
  | { readonly kind: 'host' | 'none' | 'unknown'; readonly reason: string };

export function serviceByName(project: ComposeProject, name: string): ComposeService | undefined {
  return project.services.find((s) => s.name === name);
}

export function networkByName(project: ComposeProject, name: string): ComposeNetwork | undefined {
  return project.networks.find((n) => n.name === name);
}

/**
 * The service of the project whose network namespace `service` joins (`network_mode:
 * service:X`, or `container:X` naming one of the project's containers), or undefined.
 * A container is named by its `container_name:`, else `<project>-<service>-<n>` (compose v1:
 * underscores); `container:X` naming anything else is a container outside the project.
 */
export function namespaceOwner(project: ComposeProject, service: ComposeService): ComposeService | undefined {
  const mode = service.networkMode;
  if (!mode?.target) return undefined;
  if (mode.kind === 'service') return serviceByName(project, mode.target);
  if (mode.kind !== 'container') return undefined;
  return project.services.find((s) => containerNamed(project, s, mode.target!));
}

function containerNamed(project: ComposeProject, service: ComposeService, name: string): boolean {
  if (service.containerName) return service.containerName.value.known && service.containerName.value.value === name;
  if (!name.startsWith(project.name)) return false;
  const rest = name.slice(project.name.length);
  return [`-${service.name}-`, `_${service.name}_`].some((mid) => rest.startsWith(mid) && /^[1-9][0-9]*$/.test(rest.slice(mid.length)));
}

/** The networks a service's traffic uses: its own, or those of the service whose namespace it shares. */
export function egressOf(project: ComposeProject, service: ComposeService, depth = 0): Egress {
  const mode = service.networkMode;
  if (depth > 8) return { kind: 'unknown', reason: 'network_mode chain too long' };
  if (mode) {
    if (mode.kind === 'host') return { kind: 'host', reason: 'host networking: the host decides' };
    if (mode.kind === 'none') return { kind: 'none', reason: 'network_mode: none' };
    if ((mode.kind === 'service' || mode.kind === 'container') && mode.target) {
      const owner = namespaceOwner(project, service);
      if (!owner) return { kind: 'unknown', reason: `${mode.raw}: not a ${mode.kind} of this project` };
      return egressOf(project, owner, depth + 1);
    }
    return { kind: 'unknown', reason: `network_mode: ${mode.raw}` };
  }
  const networks: ComposeNetwork[] = [];
  for (const n of service.networks) {
    const net = networkByName(project, n);
    if (!net) return { kind: 'unknown', reason: `network ${n} is not declared in the project` };
    networks.push(net);
  }
  return { kind: 'networks', owner: service, networks };
}

/** Whether a network carries IPv6: Docker's default is no; an external network is unknown. */
export function networkIpv6(net: ComposeNetwork): 'yes' | 'no' | 'unknown' {
  if (net.external) return 'unknown';
  if (!net.enableIpv6) return 'no';
  if (!net.enableIpv6.known) return 'unknown';
  return net.enableIpv6.value ? 'yes' : 'no';
}

/** IPv6 egress of a set of networks: yes when any has IPv6, no when all known to lack it. */
export function egressIpv6(e: Egress): 'yes' | 'no' | 'unknown' {
  if (e.kind === 'none') return 'no';
  if (e.kind !== 'networks') return 'unknown';
  if (!e.networks.length) return 'unknown';
  const states = e.networks.map(networkIpv6);
  if (states.includes('yes')) return 'yes';
  return states.includes('unknown') ? 'unknown' : 'no';
}

/** Where a network is written (its key), else the service that joins it implicitly. */
export function networkAnchor(net: ComposeNetwork, owner: ComposeService): Location {
  return net.at ?? owner.at;
}

/** `fdXX:XXXX:XXXX:YYYY::/64`: RFC 4193 global ID and subnet from a hash of project and network. */
export function ulaSubnetFor(project: ComposeProject, network: string): string {
  const h = createHash('sha256').update(`${project.file}\0${project.name}\0${network}`).digest();
  const hex = (i: number) => ((h[i] << 8) | h[i + 1]).toString(16).padStart(4, '0');
  const first = (0xfd00 | h[0]).toString(16);
  return `${first}:${hex(1)}:${hex(3)}:${hex(5)}::/64`;
}

/**
 * The fix that gives a network IPv6: `enable_ipv6: true` and an `ipam` ULA subnet, in the
 * file that declares the network (the project's main file for the implicit default
 * network). Undefined when the kit cannot write it safely or the network is declared in
 * another file of the project (an override file) or is external.
 */
export function enableIpv6Fix(edits: EditKit, project: ComposeProject, net: ComposeNetwork): Fix | undefined {
  // Several rules offer the same fix for one network; building it re-reads the YAML: once per analysis.
  let byProject = enableFixes.get(edits);
  if (!byProject) enableFixes.set(edits, (byProject = new WeakMap()));
  let byNet = byProject.get(project);
  if (!byNet) byProject.set(project, (byNet = new Map()));
  if (byNet.has(net)) return byNet.get(net);
  const fix = buildEnableIpv6Fix(edits, project, net);
  byNet.set(net, fix);
  return fix;
}

const enableFixes = new WeakMap<EditKit, WeakMap<ComposeProject, Map<ComposeNetwork, Fix | undefined>>>();

function buildEnableIpv6Fix(edits: EditKit, project: ComposeProject, net: ComposeNetwork): Fix | undefined {
  if (net.external) return undefined;
  if (net.at && net.at.file !== project.file) return undefined;
  const subnet = ulaSubnetFor(project, net.name);
  const value = net.enableIpv6?.known === true && net.enableIpv6.value ? { ipam: { config: [{ subnet }] } } : { enable_ipv6: true, ipam: { config: [{ subnet }] } };
  const fileEdits = edits.setComposeValue(project, ['networks', net.name], value);
  if (!fileEdits || !fileEdits.length) return undefined;
  return { title: `Enable IPv6 on network ${net.name} (enable_ipv6: true, ULA subnet ${subnet})`, edits: fileEdits };
}

/** Names a mail container answers to: `hostname:` and the usual mail-name variables. */
const MAIL_NAME_VARS = new Set(['OVERRIDE_HOSTNAME', 'MAILNAME', 'MAIL_HOSTNAME', 'POSTFIX_MYHOSTNAME', 'MYHOSTNAME', 'SERVER_HOSTNAME', 'HOSTNAME']);

export function mailNames(service: ComposeService): { name: string; at: Location }[] {
  const out: { name: string; at: Location }[] = [];
  const add = (raw: string, at: Location) => {
    const name = raw.trim().toLowerCase().replace(/\.$/, '');
    if (/^[a-z0-9_]([a-z0-9_-]*[a-z0-9])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9])?)+$/.test(name) && !out.some((o) => o.name === name)) out.push({ name, at });
  };
  if (service.hostname?.value.known) add(service.hostname.value.value, service.hostname.value.at);
  for (const v of service.environment) {
    if (!MAIL_NAME_VARS.has(v.name.toUpperCase())) continue;
    const t = envText(v);
    if (t) add(t.text, t.at);
  }
  return out;
}
