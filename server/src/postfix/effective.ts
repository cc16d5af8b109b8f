/**
 * The effective value of a Postfix parameter for an instance, optionally as one master.cf
 * service sees it (its `-o` overrides applied), with `$name` expansion, cycle detection and
 * Postfix's built-in defaults. Defaults that depend on the machine (myhostname, mynetworks)
 * are unknown: the repository does not say what they are.
 */
import type { Location } from '../core/text';
import { known, unknown, type Val } from '../core/value';
import type { MasterEntry, PostfixInstance, PostfixParam } from '../model/types';
import { builtinDefault, isRawParameter, serviceFamilyDefault, STOCK_SERVICES, type ServiceRef } from './catalog';
import { expand, referencedNames, type Lookup } from './expand';

export interface ServiceSelector {
  readonly service: string;
  /** master.cf type; `smtp` + `unix` is the SMTP client, `smtp` + `inet` the server. */
  readonly type: string;
}

export type EffectiveValue =
  | {
      readonly kind: 'set';
      /** Expanded value. */
      readonly value: string;
      /** As written. */
      readonly raw: string;
      /** The setting that decides it (main.cf line or master.cf `-o`). */
      readonly param: PostfixParam;
      /** Other settings whose values were substituted by `$name` expansion. */
      readonly via: readonly PostfixParam[];
    }
  | { readonly kind: 'default'; readonly value: string; readonly raw: string; readonly via: readonly PostfixParam[] }
  | { readonly kind: 'unknown'; readonly reason: string; readonly param?: PostfixParam };

/** The master.cf entry of a service (the last one, as postconf keeps). */
export function findService(instance: PostfixInstance, selector: ServiceSelector): MasterEntry | undefined {
  let found: MasterEntry | undefined;
  for (const e of instance.master) if (e.service === selector.service && e.type === selector.type) found = e;
  return found;
}

/** The setting that decides `name` (for `service`: its last `-o`, else main.cf), if any. */
export function settingOf(instance: PostfixInstance, name: string, service?: ServiceSelector | MasterEntry): PostfixParam | undefined {
  const entry = service && ('overrides' in service ? service : findService(instance, service));
  if (entry) {
    for (let i = entry.overrides.length - 1; i >= 0; i--) if (entry.overrides[i].name === name) return entry.overrides[i];
  }
  for (let i = instance.main.length - 1; i >= 0; i--) if (instance.main[i].name === name) return instance.main[i];
  return undefined;
}

/** Services that define per-service parameters: the instance's master.cf, else the stock one. */
export function servicesOf(instance: PostfixInstance): ServiceRef[] {
  if (instance.master.length === 0 && instance.origin.kind === 'files' && !instance.origin.masterCf) return [...STOCK_SERVICES];
  return instance.master.map((e) => ({ service: e.service, command: e.command }));
}

export function effectiveValue(instance: PostfixInstance, name: string, service?: ServiceSelector | MasterEntry): EffectiveValue {
  // Needed only for a parameter neither set nor built in: not built per call.
  let services: ServiceRef[] | undefined;
  const used = new Set<PostfixParam>();
  const stack: string[] = [];
  const rawOf = (n: string): { kind: 'set'; param: PostfixParam } | { kind: 'default'; raw: string } | { kind: 'unknown'; reason: string } | { kind: 'undefined' } => {
    const param = settingOf(instance, n, service);
    if (param) return { kind: 'set', param };
    const d = builtinDefault(n);
    if (d?.kind === 'value') return { kind: 'default', raw: d.value };
    if (d?.kind === 'computed') {
      if (n === 'mydomain') return { kind: 'default', raw: MYDOMAIN_FROM_HOSTNAME };
      return { kind: 'unknown', reason: `${n} is not set, and Postfix computes its default from the machine it runs on (${d.reason})` };
    }
    const family = serviceFamilyDefault(n, (services ??= servicesOf(instance)));
    return family !== undefined ? { kind: 'default', raw: family } : { kind: 'undefined' };
  };
  const lookup: Lookup = (n) => {
    if (n === MYDOMAIN_HELPER) return mydomainFromHostname(lookup);
    if (stack.includes(n)) return { kind: 'unknown', reason: `$${n} refers to itself: ${[...stack.slice(stack.indexOf(n)), n].join(' → ')}` };
    return valueOf(n, rawOf(n));
  };
  /** The value of `n` whose setting or default is `r`. */
  const valueOf = (n: string, r: ReturnType<typeof rawOf>): ReturnType<Lookup> => {
    if (r.kind === 'unknown' || r.kind === 'undefined') return r;
    if (r.kind === 'set') {
      if (r.param.value === null) return { kind: 'unknown', reason: `${n}: ${r.param.unknownReason ?? 'not evaluable'}` };
      if (stack.length > 0) used.add(r.param);
    }
    const text = r.kind === 'set' ? (r.param.value as string) : r.raw;
    if (isRawParameter(n)) return { kind: 'value', value: text };
    stack.push(n);
    const e = expand(text, lookup);
    stack.pop();
    return e.ok ? { kind: 'value', value: e.value } : { kind: 'unknown', reason: e.reason };
  };
  const top = rawOf(name);
  if (top.kind === 'unknown') return top;
  if (top.kind === 'undefined') return { kind: 'unknown', reason: `${name} is not a parameter Postfix knows, and it is not set` };
  if (top.kind === 'set' && top.param.value === null) return { kind: 'unknown', reason: top.param.unknownReason ?? 'not evaluable', param: top.param };
  // The name's setting is known already (`lookup` would find it again).
  const r = name === MYDOMAIN_HELPER ? lookup(name) : valueOf(name, top);
  if (r.kind !== 'value') {
    const reason = r.kind === 'unknown' ? r.reason : 'undefined';
    return top.kind === 'set' ? { kind: 'unknown', reason, param: top.param } : { kind: 'unknown', reason };
  }
  const via = [...used];
  return top.kind === 'set'
    ? { kind: 'set', value: r.value, raw: top.param.value as string, param: top.param, via }
    : { kind: 'default', value: r.value, raw: top.raw, via };
}

// mydomain's default is computed from myhostname: its value minus the first label, or
// "localdomain" when that leaves nothing. Modelled as a helper pseudo-parameter.
const MYDOMAIN_HELPER = '__infra_review_mydomain_default';
const MYDOMAIN_FROM_HOSTNAME = `$${MYDOMAIN_HELPER}`;

function mydomainFromHostname(lookup: Lookup): ReturnType<Lookup> {
  const h = lookup('myhostname');
  if (h.kind !== 'value') return h;
  const dot = h.value.indexOf('.');
  return { kind: 'value', value: dot < 0 || dot === h.value.length - 1 ? 'localdomain' : h.value.slice(dot + 1) };
}

/**
 * The effective value as a Val: a setting is Known at its value (literal when written as is,
 * derived when `$name` expansion changed it); a default is Known at `fallback` (usually the
 * instance's definedAt), derived.
 */
export function effectiveVal(instance: PostfixInstance, name: string, service?: ServiceSelector | MasterEntry, fallback: Location = instance.definedAt): Val<string> {
  const e = effectiveValue(instance, name, service);
  if (e.kind === 'unknown') return unknown(e.reason, e.param?.valueAt);
  if (e.kind === 'set') {
    const changed = e.value !== e.raw;
    return known(e.value, e.param.valueAt, changed ? 'derived' : 'literal', changed ? e.via.map((p) => p.valueAt) : undefined);
  }
  return known(e.value, fallback, 'derived', e.via.map((p) => p.valueAt));
}

/**
 * Names that count as user-defined parameters (postconf does not call them unused): every
 * `$name` referenced in main.cf or master.cf `-o` values, and the smtpd_restriction_classes.
 */
export function userDefinedNames(instance: PostfixInstance): Set<string> {
  const names = new Set<string>();
  const params = [...instance.main, ...instance.master.flatMap((e) => e.overrides)];
  for (const p of params) {
    if (p.value === null) continue;
    for (const n of referencedNames(p.value)) names.add(n);
    if (p.name === 'smtpd_restriction_classes') for (const item of p.items) names.add(item.text);
  }
  return names;
}
