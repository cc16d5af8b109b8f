/** Building fixes from EditKit results: all parts or nothing, never overlapping edits. */
import type { FileEdit, Fix } from '../../core/finding';
import { comparePositions } from '../../core/text';
import type { EditKit } from '../../edits/kit';
import type { Host, PostfixInstance } from '../../model/types';
import type { HostAddress } from './hosts';
import { primaryInterface } from './hosts';

/** Joins the edit lists of one action; undefined when any part is missing or two edits overlap. */
export function combine(...parts: readonly (readonly FileEdit[] | undefined)[]): FileEdit[] | undefined {
  if (parts.some((p) => !p || p.length === 0)) return undefined;
  const all = parts.flatMap((p) => p as FileEdit[]);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i];
      const b = all[j];
      if (a.file !== b.file) continue;
      // Two insertions at one point are fine for an editor (applied in order); a shared span is not.
      const overlap = comparePositions(a.range.start, b.range.end) < 0 && comparePositions(b.range.start, a.range.end) < 0;
      if (overlap) return undefined;
    }
  }
  return all;
}

export function fix(title: string, edits: readonly FileEdit[] | undefined, preferred = false): Fix[] {
  if (!edits || edits.length === 0) return [];
  return [preferred ? { title, preferred, edits } : { title, edits }];
}

/**
 * The fix marked preferred, built field by field: a spread copy that gains `preferred` gets a
 * hidden class of its own in V8 11, and every later read of such fixes missed its inline cache.
 */
export function preferredFix(f: Fix): Fix {
  return { title: f.title, preferred: true, edits: f.edits };
}

/** master.cf `smtp unix ... -o inet_protocols=ipv4`: the documented way to deliver over IPv4 only. */
export function pinSmtpToIpv4(kit: EditKit, instance: PostfixInstance): FileEdit[] | undefined {
  return kit.setMasterOverride(instance, 'smtp', 'inet_protocols', 'ipv4');
}

export const PIN_IPV4_TITLE = 'Deliver over IPv4 only: add -o inet_protocols=ipv4 to the smtp service in master.cf (inbound IPv6 keeps working)';

/** The placeholder IPv6 gateway: most providers route via the link-local fe80::1. */
export const GATEWAY6_PLACEHOLDER = 'fe80::1';

/**
 * Claims an IPv6 address on the interface that carries the host's IPv4, in the style the host
 * configures that interface (networking.interfaces or systemd.network), plus a default route
 * when the host has none. Returns the edits and a short description for the fix title.
 */
export function claimV6Edits(
  kit: EditKit,
  host: Host,
  address: string,
  prefixLength: number,
  withGateway: boolean,
): { edits: FileEdit[]; what: string } | undefined {
  const iface = primaryInterface(host);
  if (!iface) return undefined;
  if (iface.source === 'systemd.network' && iface.decl) {
    // The unit's attribute name, not the interface it matches: writing under the interface
    // name would create a second, unmatched network unit.
    const net = iface.decl.key ?? iface.decl.name;
    const claim = kit.appendNixList(host, ['systemd', 'network', 'networks', net, 'address'], [JSON.stringify(`${address}/${prefixLength}`)], fileOf(iface.decl.at.file, host));
    const gw = withGateway ? kit.appendNixList(host, ['systemd', 'network', 'networks', net, 'gateway'], [JSON.stringify(GATEWAY6_PLACEHOLDER)], fileOf(iface.decl.at.file, host)) : [];
    const edits = withGateway ? combine(claim, gw) : combine(claim);
    return edits && { edits, what: `${address}/${prefixLength} on systemd network ${net}${withGateway ? `, add gateway ${GATEWAY6_PLACEHOLDER} (placeholder: confirm your provider's gateway)` : ''}` };
  }
  const file = iface.decl ? fileOf(iface.decl.at.file, host) : undefined;
  const claim = kit.appendNixList(host, ['networking', 'interfaces', iface.name, 'ipv6', 'addresses'], [`{ address = ${JSON.stringify(address)}; prefixLength = ${prefixLength}; }`], file);
  const gw = withGateway ? kit.setNixOption(host, ['networking', 'defaultGateway6'], `{ address = ${JSON.stringify(GATEWAY6_PLACEHOLDER)}; interface = ${JSON.stringify(iface.name)}; }`, file) : [];
  const edits = withGateway ? combine(claim, gw) : combine(claim);
  return (
    edits && {
      edits,
      what: `${address}/${prefixLength} on ${iface.name}${withGateway ? `, add networking.defaultGateway6 = ${GATEWAY6_PLACEHOLDER} (placeholder: confirm your provider's gateway)` : ''}`,
    }
  );
}

function fileOf(file: string, host: Host): string | undefined {
  return host.files.includes(file) ? file : undefined;
}

/** Prefix length to claim a new address with: that of a configured address in the same /64, else 64. */
export function prefixFor(addresses: readonly HostAddress[], ip: { bits: bigint }): number {
  for (const a of addresses) {
    if (a.ip.family === 6 && a.prefixLength && a.ip.bits >> 64n === ip.bits >> 64n) return a.prefixLength;
  }
  return 64;
}
