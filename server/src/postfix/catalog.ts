/**
 * What Postfix knows about its parameters: names and built-in defaults (generated from
 * `postconf -d` by scripts/postfix-catalog.mjs), the per-service parameter families that
 * postconf derives from master.cf, and which parameters are match lists (where an IPv6
 * address must be written in `[]`).
 */
import catalog from './data/parameters.json';
import { referencedNames } from './expand';

const PARAMETERS: Readonly<Record<string, string | null>> = catalog.parameters;
const COMPUTED: Readonly<Record<string, string>> = catalog.computed;

const RAW = new Set<string>(catalog.raw);

/** Parameters Postfix expands only at run time, in the program that uses them. */
export function isRawParameter(name: string): boolean {
  return RAW.has(name);
}

export const CATALOG_PROVENANCE: Readonly<Record<string, string>> = catalog.provenance;

/** Parameters that postconf adds for each master.cf service run by a delivery agent,
 * with the parameter their default refers to. */
const DELIVERY_AGENT_FAMILY: Readonly<Record<string, string>> = {
  delivery_slot_cost: 'default_delivery_slot_cost',
  delivery_slot_discount: 'default_delivery_slot_discount',
  delivery_slot_loan: 'default_delivery_slot_loan',
  destination_concurrency_failed_cohort_limit: 'default_destination_concurrency_failed_cohort_limit',
  destination_concurrency_limit: 'default_destination_concurrency_limit',
  destination_concurrency_negative_feedback: 'default_destination_concurrency_negative_feedback',
  destination_concurrency_positive_feedback: 'default_destination_concurrency_positive_feedback',
  destination_rate_delay: 'default_destination_rate_delay',
  destination_recipient_limit: 'default_destination_recipient_limit',
  extra_recipient_limit: 'default_extra_recipient_limit',
  initial_destination_concurrency: 'initial_destination_concurrency',
  minimum_delivery_slots: 'default_minimum_delivery_slots',
  recipient_limit: 'default_recipient_limit',
  recipient_refill_delay: 'default_recipient_refill_delay',
  recipient_refill_limit: 'default_recipient_refill_limit',
  transport_rate_delay: 'default_transport_rate_delay',
};
/** Commands that postconf treats as queue-manager delivery agents (checked with postconf 3.7). */
const DELIVERY_AGENTS = new Set(['smtp', 'lmtp', 'local', 'virtual', 'error', 'pipe']);
/** Commands whose services get `<service>_time_limit`. */
const TIME_LIMITED = new Set(['pipe', 'spawn']);

/** Services of Postfix's stock master.cf: what an instance without a master.cf runs. */
export const STOCK_SERVICES: readonly { service: string; command: string }[] = [
  { service: 'smtp', command: 'smtp' },
  { service: 'relay', command: 'smtp' },
  { service: 'lmtp', command: 'lmtp' },
  { service: 'local', command: 'local' },
  { service: 'virtual', command: 'virtual' },
  { service: 'error', command: 'error' },
  { service: 'retry', command: 'error' },
];

export interface ServiceRef {
  readonly service: string;
  readonly command: string;
}

/**
 * Names that built-in defaults refer to without being parameters of their own: the legacy
 * names of renamed parameters (`postscreen_dnsbl_ttl`, `postscreen_blacklist_action`, ...),
 * which postconf still accepts because the new parameter's default reads them.
 */
const LEGACY = new Set(
  Object.values(PARAMETERS)
    .flatMap((v) => (v ? referencedNames(v) : []))
    .filter((n) => !Object.prototype.hasOwnProperty.call(PARAMETERS, n)),
);

/** A parameter postconf knows by itself (not counting per-service families). */
export function isBuiltinParameter(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(PARAMETERS, name) || LEGACY.has(name);
}

/** A legacy name that a current parameter's default still reads. */
export function isLegacyParameter(name: string): boolean {
  return LEGACY.has(name);
}

/**
 * Whether postconf would accept `name` without an "unused parameter" warning: a built-in
 * parameter, a per-service parameter of a service in `services` (default: the stock
 * master.cf), or a user-defined one in `userDefined` (names referenced as `$name`, and
 * smtpd_restriction_classes; see referencedNames in effective.ts).
 */
export function isKnownParameter(name: string, services: readonly ServiceRef[] = STOCK_SERVICES, userDefined: ReadonlySet<string> = new Set()): boolean {
  return isBuiltinParameter(name) || userDefined.has(name) || serviceFamilyDefault(name, services) !== undefined;
}

/** The default text of a per-service parameter (`relay_destination_concurrency_limit` →
 * `$default_destination_concurrency_limit`), or undefined when `name` is not one. */
export function serviceFamilyDefault(name: string, services: readonly ServiceRef[] = STOCK_SERVICES): string | undefined {
  for (const s of services) {
    if (!name.startsWith(`${s.service}_`)) continue;
    const suffix = name.slice(s.service.length + 1);
    if (DELIVERY_AGENTS.has(s.command) && suffix in DELIVERY_AGENT_FAMILY) return `$${DELIVERY_AGENT_FAMILY[suffix]}`;
    if (TIME_LIMITED.has(s.command) && suffix === 'time_limit') return '$command_time_limit';
  }
  return undefined;
}

export type BuiltinDefault = { readonly kind: 'value'; readonly value: string } | { readonly kind: 'computed'; readonly reason: string };

/** The built-in default of a parameter as postconf -d prints it (unexpanded), or how the
 * running Postfix computes it when it depends on the machine. */
export function builtinDefault(name: string): BuiltinDefault | undefined {
  if (!Object.prototype.hasOwnProperty.call(PARAMETERS, name)) return undefined;
  const value = PARAMETERS[name];
  if (value === null) return { kind: 'computed', reason: COMPUTED[name] ?? 'computed at run time' };
  return { kind: 'value', value };
}

export function builtinParameterNames(): string[] {
  return Object.keys(PARAMETERS);
}

/**
 * Match lists: host/address lists where an IPv6 address or network must be bracketed
 * (postconf(5), "match lists"; restriction lists take CIDR items the same way). Includes the
 * names listed in smtpd_restriction_classes, which are restriction lists.
 */
const MATCH_LISTS = new Set([
  'mynetworks',
  'debug_peer_list',
  'permit_mx_backup_networks',
  'smtpd_authorized_xclient_hosts',
  'smtpd_authorized_xforward_hosts',
  'smtpd_authorized_verp_clients',
  'authorized_verp_clients',
  'smtpd_client_event_limit_exceptions',
  'smtpd_sasl_exceptions_networks',
  'smtpd_forbid_bare_newline_exclusions',
  'qmqpd_authorized_clients',
  'postscreen_access_list',
  'postscreen_allowlist_interfaces',
  'postscreen_whitelist_interfaces',
  'smtpd_client_restrictions',
  'smtpd_helo_restrictions',
  'smtpd_sender_restrictions',
  'smtpd_recipient_restrictions',
  'smtpd_relay_restrictions',
  'smtpd_data_restrictions',
  'smtpd_end_of_data_restrictions',
  'smtpd_etrn_restrictions',
]);

export function isMatchListParameter(name: string, restrictionClasses: Iterable<string> = []): boolean {
  if (MATCH_LISTS.has(name)) return true;
  for (const c of restrictionClasses) if (c === name) return true;
  return false;
}

/** Closest known names for a "did you mean" (edit distance ≤ 3, best first). */
export function closestParameters(name: string, limit = 3, extra: Iterable<string> = []): string[] {
  const scored: { n: string; d: number }[] = [];
  const max = Math.min(3, Math.max(1, Math.floor(name.length / 4)));
  const lower = name.toLowerCase();
  const words = lower.split('_');
  for (const n of new Set([...builtinParameterNames(), ...extra])) {
    const c = n.toLowerCase();
    const chars = Math.abs(c.length - lower.length) > max ? max + 1 : distance(lower, c, max);
    // A missing or extra word (`smtpd_client_connection_limit` for `..._count_limit`) is one
    // token edit; only for names of three words or more, so two of them still have to agree.
    const tokens = words.length >= 3 ? wordDistance(words, c.split('_')) : Infinity;
    const d = Math.min(chars <= max ? chars : Infinity, tokens <= 1 ? tokens : Infinity);
    if (d !== Infinity) scored.push({ n, d });
  }
  return scored.sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1)).slice(0, limit).map((s) => s.n);
}

/**
 * Edit distance over `_`-separated words: inserting or deleting a word costs 1; replacing
 * one costs 0.5 when the two differ by one character (a typo), else 1.5 (keeping all the
 * words written ranks above swapping one for another).
 */
function wordDistance(a: readonly string[], b: readonly string[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = a[i - 1] === b[j - 1] ? 0 : distance(a[i - 1], b[j - 1], 1) <= 1 ? 0.5 : 1.5;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub);
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Levenshtein distance with an early exit above `max`. */
function distance(a: string, b: string, max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      rowMin = Math.min(rowMin, cur[j]);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}
