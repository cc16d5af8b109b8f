/**
 * Relay next hops and service addresses as the configuration writes them: Postfix
 * `relayhost` / transports (`smtp:[host]:port`), compose environment variables that name a
 * relay (`RELAYHOST=[smtp.example.net]:587`), and the split of such a value into its host
 * and the exact offsets of the host inside the written text (for replace fixes).
 *
 * Pure text over model values: no syntax, no DNS. Template placeholders and `$name`
 * references are "unknown" and yield nothing.
 */
import type { Location } from '../../core/text';
import type { ComposeEnvVar, ComposeService, PostfixInstance, PostfixListItem, PostfixParam } from '../../model/types';
import { parseAddress, sameNetwork } from './ip';
import { oncePerObject } from './memo';

/** Placeholders from configuration generators and unexpanded variables: never judged. */
const PLACEHOLDER = /\{\{|\{%|\bPH_[A-Z0-9_]+|\$/;

export function isPlaceholderText(text: string): boolean {
  return PLACEHOLDER.test(text);
}

/** Delivery transports whose `:nexthop` is not a host (a message, a domain, a local recipient). */
const NOT_NEXT_HOP_TRANSPORTS = new Set(['error', 'discard', 'retry', 'defer', 'local', 'virtual', 'pipe', 'hold']);

export interface NextHop {
  /** The host part as written, without brackets or port. */
  readonly host: string;
  /** Written as `[host]` (Postfix: no MX lookup). */
  readonly bracketed: boolean;
  readonly port?: string;
  /** Offsets of `host` within the text it was parsed from. */
  readonly hostStart: number;
  readonly hostEnd: number;
  /** An IP literal (canonical text), when the host is one. */
  readonly address?: string;
  readonly family?: 4 | 6;
}

/**
 * Parses `host`, `host:port`, `[host]`, `[host]:port` (also an IPv6 literal inside brackets),
 * optionally behind a `transport:` prefix (`smtp:[relay.example]:587`) or an `smtp://`
 * scheme. Returns undefined for anything else (lists, placeholders, lookup tables).
 */
export function parseNextHop(text: string, options: { transportPrefix?: boolean } = {}): NextHop | undefined {
  if (!text || isPlaceholderText(text) || /[\s,{}]/.test(text)) return undefined;
  let start = 0;
  const scheme = /^(smtps?|submission|lmtp):\/\//i.exec(text);
  if (scheme) start = scheme[0].length;
  else if (options.transportPrefix) {
    // `smtp:[relay.example]:587`, `relay:host:25`, `lmtp:inet:host:24`; not `error:...`, `local:...`
    const m = /^([A-Za-z][A-Za-z0-9_.-]*):/.exec(text);
    if (!m || NOT_NEXT_HOP_TRANSPORTS.has(m[1].toLowerCase())) return undefined;
    start = m[0].length;
    const inner = /^(inet|unix):/.exec(text.slice(start));
    if (inner) {
      if (inner[1] === 'unix') return undefined;
      start += inner[0].length;
    }
  }
  let rest = text.slice(start).replace(/\/+$/, '');
  const end = start + rest.length;
  let hostStart: number;
  let hostEnd: number;
  let bracketed = false;
  let port: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return undefined;
    bracketed = true;
    hostStart = start + 1;
    hostEnd = start + close;
    const after = rest.slice(close + 1);
    if (after) {
      const m = /^:(\d{1,5})$/.exec(after);
      if (!m) return undefined;
      port = m[1];
    }
  } else {
    const v6 = parseAddress(rest);
    if (v6 && v6.family === 6) {
      hostStart = start;
      hostEnd = end;
    } else {
      const m = /^([^:]+)(?::(\d{1,5}))?$/.exec(rest);
      if (!m) return undefined;
      hostStart = start;
      hostEnd = start + m[1].length;
      port = m[2];
    }
  }
  rest = text.slice(hostStart, hostEnd);
  if (!rest) return undefined;
  const ip = parseAddress(rest);
  if (!ip && !/^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9])?\.?$/.test(rest)) return undefined;
  return {
    host: rest,
    bracketed,
    ...(port !== undefined ? { port } : {}),
    hostStart,
    hostEnd,
    ...(ip ? { address: ip.text, family: ip.family } : {}),
  };
}

/** A host name (not an IP literal) with at least one dot, lower case without the trailing dot. */
export function hostNameOf(hop: NextHop): string | undefined {
  if (hop.address) return undefined;
  const name = hop.host.toLowerCase().replace(/\.$/, '');
  return name.includes('.') ? name : undefined;
}

export type RelaySource = 'postfix' | 'compose-env';

export interface RelayRef {
  /** How a person would name the setting: `relayhost`, `-o relayhost` of service submission, `RELAYHOST`. */
  readonly setting: string;
  readonly hop: NextHop;
  /** The whole written value (item or env value) and where it is. */
  readonly text: string;
  readonly at: Location;
  readonly source: RelaySource;
  /** Postfix: a bracket-less host means an MX lookup first. */
  readonly mxLookup: boolean;
}

/** Main.cf parameters whose value is one next hop (`[host]:port`). */
const POSTFIX_RELAY_PARAMS = new Set(['relayhost', 'smtp_fallback_relay', 'fallback_relay', 'lmtp_fallback_relay']);
/** Main.cf parameters whose value is `transport:nexthop`. */
const POSTFIX_TRANSPORT_PARAMS = new Set(['default_transport', 'relay_transport', 'local_transport', 'virtual_transport', 'content_filter', 'address_verify_relay_transport']);

/** Compose environment variables that name the relay of a mail container. */
export const RELAY_ENV_VARS: ReadonlySet<string> = new Set([
  'RELAYHOST',
  'RELAY_HOST',
  'SMTP_RELAY_HOST',
  'DEFAULT_RELAY_HOST',
  'POSTFIX_RELAYHOST',
  'SMARTHOST',
  'SMART_HOST',
  'SMTP_SMARTHOST',
]);

/** The text of a param item as a Location-carrying unit. */
function itemRefs(param: PostfixParam, setting: string): RelayRef[] {
  if (param.value === null) return [];
  const out: RelayRef[] = [];
  const transport = POSTFIX_TRANSPORT_PARAMS.has(param.name);
  const items: readonly PostfixListItem[] = param.items;
  for (const item of items) {
    if (isPlaceholderText(item.text)) continue;
    const hop = parseNextHop(item.text, { transportPrefix: transport });
    if (!hop) continue;
    // A transport without a next hop (`smtp:`, `local`) or a bare service name is not a host.
    if (transport && !item.text.includes(':')) continue;
    out.push({ setting, hop, text: item.text, at: item.at, source: 'postfix', mxLookup: !hop.bracketed && !hop.address });
  }
  return out;
}

/** Next hops a Postfix instance relays to, from main.cf and master.cf `-o` overrides (once per instance: several rules ask). */
export const postfixRelays: (instance: PostfixInstance) => readonly RelayRef[] = oncePerObject((instance) => {
  const out: RelayRef[] = [];
  for (const p of instance.main) {
    if (POSTFIX_RELAY_PARAMS.has(p.name) || POSTFIX_TRANSPORT_PARAMS.has(p.name)) out.push(...itemRefs(p, p.name));
  }
  for (const e of instance.master) {
    for (const o of e.overrides) {
      if (POSTFIX_RELAY_PARAMS.has(o.name) || POSTFIX_TRANSPORT_PARAMS.has(o.name)) out.push(...itemRefs(o, `-o ${o.name} of service ${e.service}`));
    }
  }
  return out;
});

/** An env var's known value and where its text is, or undefined (unknown, placeholder). */
export function envText(v: ComposeEnvVar): { text: string; at: Location } | undefined {
  if (!v.value.known) return undefined;
  const text = v.value.value.trim();
  if (!text || isPlaceholderText(text)) return undefined;
  return { text: v.value.value, at: v.value.at };
}

/** Relay hosts a compose service names in its environment (once per service: several rules ask). */
export const composeRelays: (service: ComposeService) => readonly RelayRef[] = oncePerObject((service) => {
  const out: RelayRef[] = [];
  for (const v of service.environment) {
    if (!RELAY_ENV_VARS.has(v.name.toUpperCase())) continue;
    const t = envText(v);
    if (!t) continue;
    const hop = parseNextHop(t.text);
    if (hop) out.push({ setting: v.name, hop, text: t.text, at: t.at, source: 'compose-env', mxLookup: false });
  }
  return out;
});

const TAILNET = parseAddress('100.64.0.0')!;

/** 100.64.0.0/10: Tailscale node addresses (and carrier-grade NAT). */
export function isTailnetAddress(text: string): boolean {
  const ip = parseAddress(text);
  return ip !== undefined && sameNetwork(ip, TAILNET, 10);
}

/**
 * False when no part of `text` can parse as a 100.64.0.0/10 address, a test before the parse.
 * Such an address is IPv4: dotted, its first octet is written `100` (decimal octets only,
 * no leading zero, both here and in ip-address); as an IPv4-mapped IPv6 literal in hex
 * (`::ffff:6440:1`) its upper group is 0x6440–0x647f, which contains `64` however it is
 * written (upper case, leading zeros).
 */
export function mayHoldTailnetAddress(text: string): boolean {
  return text.includes('100') || text.includes('64');
}


/**
 * The Location of `[start, end)` inside a located text, when the text sits on one line and
 * its range has exactly the text's length, or the length plus two quotes (a quoted YAML
 * scalar without escapes), so offsets map one to one; else undefined.
 */
export function subLocation(at: Location, text: string, start: number, end: number): Location | undefined {
  const r = at.range;
  if (r.start.line !== r.end.line) return undefined;
  const width = r.end.character - r.start.character;
  // A quoted scalar located with its quotes: escapes would make it longer than text + 2.
  const skip = width === text.length ? 0 : width === text.length + 2 ? 1 : -1;
  if (skip < 0) return undefined;
  const base = r.start.character + skip;
  return { file: at.file, range: { start: { line: r.start.line, character: base + start }, end: { line: r.start.line, character: base + end } } };
}
