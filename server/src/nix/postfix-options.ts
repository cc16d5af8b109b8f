/**
 * A NixOS host's Postfix instance from `services.postfix`: `settings.main` / `config`
 * (free-form main.cf), `extraConfig` (main.cf text), the legacy options mapped to their main.cf
 * names, `settings.master` / `masterConfig` (attribute-set master.cf entries) and
 * `extraMasterConf` (master.cf text). Text inside Nix strings keeps exact locations.
 */
import type { Location } from '../core/text';
import type { MasterCfProblem, MasterEntry, PostfixListItem, PostfixNixOption, PostfixParam, PostfixParamSource } from '../model/types';
import { parseMainCf } from '../postfix/main-cf';
import { parseMasterCf } from '../postfix/master-cf';
import { splitItems } from '../postfix/items';
import type { Def, OptionReader } from './host-config';
import { lastDef } from './host-config';
import type { Locations, Writable } from './locate';
import { holeIn, locateInString, sliceString } from './strings';
import type { NixValue, Of, Span } from './values';

/** Legacy `services.postfix.<option>` → main.cf name (nixpkgs before settings.main). */
const LEGACY: Record<string, string> = {
  hostname: 'myhostname',
  domain: 'mydomain',
  origin: 'myorigin',
  destination: 'mydestination',
  networks: 'mynetworks',
  networksStyle: 'mynetworks_style',
  relayDomains: 'relay_domains',
  recipientDelimiter: 'recipient_delimiter',
};

export interface NixPostfix {
  readonly main: PostfixParam[];
  readonly master: MasterEntry[];
  readonly masterProblems: MasterCfProblem[];
  readonly templated: boolean;
  /** Every binding of a `services.postfix.<option>`, in module order. */
  readonly options: PostfixNixOption[];
}

/** `postfix`: the part of a host's configuration under `services.postfix`. */
export function extractPostfix(postfix: OptionReader, loc: Locations): NixPostfix {
  // Nothing under services.postfix means nothing under any of its options (most hosts).
  if (!postfix.defs([]).length) return { main: [], master: [], masterProblems: [], templated: false, options: [] };
  const byName = new Map<string, PostfixParam>();
  const add = (p: PostfixParam) => {
    byName.delete(p.name);
    byName.set(p.name, p);
  };
  // Lowest precedence first: legacy options, then config/settings.main, then extraConfig
  // (appended after the generated lines in main.cf, so its definitions win).
  for (const [option, name] of Object.entries(LEGACY)) {
    const d = lastDef(postfix.effective([option]));
    if (!d || isEmptyLegacy(d.value)) continue;
    add(paramFromValue(name, d, loc, 'nix.option', `services.postfix.${option}`));
  }
  const relay = relayHost(postfix, loc);
  if (relay) add(relay);
  for (const [path, source] of [
    [['config'], 'nix.config'],
    [['settings', 'main'], 'nix.settings.main'],
  ] as const) {
    const main = postfix.under(path);
    for (const { key } of main.keys([])) {
      const defs = main.effective([key]);
      const d = pickDef(defs);
      if (d) add(paramFromValue(key, d, loc, source));
    }
  }
  let templated = false;
  for (const d of postfix.effective(['extraConfig'])) {
    const s = d.value;
    if (s.k !== 'str') continue;
    const parsed = parseMainCf(s.s, loc.stringLocator(s), 'nix.extraConfig');
    templated ||= parsed.templated;
    for (const e of parsed.entries) add(markHoles(e.param, s, e.valueStart, e.valueEnd));
  }
  const master: MasterEntry[] = [];
  const masterProblems: MasterCfProblem[] = [];
  for (const [path, source] of [
    [['masterConfig'], 'nix.masterConfig'],
    [['settings', 'master'], 'nix.settings.master'],
  ] as const) {
    const entries = postfix.under(path);
    for (const { key, keyAt, bindingAt } of entries.keys([])) {
      const entry = masterEntry(entries.under([key]), key, loc, source, loc.of(keyAt), loc.of(bindingAt));
      if (entry) master.push(entry);
    }
  }
  for (const d of postfix.effective(['extraMasterConf'])) {
    const s = d.value;
    if (s.k !== 'str') continue;
    const parsed = parseMasterCf(s.s, loc.stringLocator(s), 'nix.extraMasterConf');
    templated ||= parsed.templated;
    master.push(...parsed.entries.map((e) => e.entry));
    masterProblems.push(...parsed.problems);
  }
  return { main: [...byName.values()], master, masterProblems, templated, options: optionBindings(postfix, loc) };
}

const within = (inner: Span, outer: Span) => inner.file === outer.file && inner.start >= outer.start && inner.end <= outer.end;

/**
 * The bindings of each `services.postfix.<option>`, also those whose value another definition
 * overrides (a legacy option is an evaluation error or warning however it merges). The
 * evaluator folds `config.a = 1; config.b = 2;` into one `config` attribute carrying the
 * first binding; the later ones are found as members bound outside it.
 */
function optionBindings(postfix: OptionReader, loc: Locations): PostfixNixOption[] {
  const out: PostfixNixOption[] = [];
  const seen = new Set<string>();
  const push = (option: string, bindingAt: Span, keyAt?: Span) => {
    const id = `${option}\u0000${bindingAt.file}\u0000${bindingAt.start}\u0000${bindingAt.end}`;
    if (!bindingAt.file || seen.has(id)) return;
    seen.add(id);
    const key = keyAt && isPathSegment(loc, option, keyAt, bindingAt) ? { keyAt: loc.of(keyAt) } : {};
    out.push({ option, at: loc.of(bindingAt), ...key });
  };
  for (const { key } of postfix.keys([])) {
    for (const d of postfix.defs([key])) {
      if (d.dynamicKey) continue;
      push(key, d.bindingAt, d.keyAt);
      if (d.value.k !== 'attrs') continue;
      for (const a of d.value.attrs.values()) {
        if (!within(a.bindingAt, d.bindingAt) && !within(a.bindingAt, d.value.at)) push(key, a.bindingAt);
      }
    }
  }
  return out;
}

/** `config` in `config = ...` / `a.config.b = ...`, as opposed to a name in `inherit config;` or a quoted key. */
function isPathSegment(loc: Locations, option: string, keyAt: Span, bindingAt: Span): boolean {
  if (!within(keyAt, bindingAt) || loc.text(keyAt) !== option) return false;
  return !/^inherit\b/.test(loc.text(bindingAt) ?? 'inherit');
}

function isEmptyLegacy(v: NixValue): boolean {
  return (v.k === 'str' && v.s === '' && !v.holes) || v.k === 'null';
}

/** Among definitions of one name, the last known one (unknown only when nothing is known). */
function pickDef(defs: readonly Def[]): Def | undefined {
  const knownDefs = defs.filter((d) => d.value.k !== 'unknown' && !d.dynamicKey);
  return lastDef(knownDefs) ?? lastDef(defs);
}

function lastWinning(postfix: OptionReader, option: string): Def | undefined {
  return lastDef(postfix.effective([option]));
}

/** `relayHost` + `relayPort` (+ `lookupMX`) → `relayhost = [host]:port`, as nixpkgs renders it. */
function relayHost(postfix: OptionReader, loc: Locations): PostfixParam | undefined {
  const d = lastWinning(postfix, 'relayHost');
  if (!d || isEmptyLegacy(d.value)) return undefined;
  const base = paramFromValue('relayhost', d, loc, 'nix.option', 'services.postfix.relayHost');
  if (base.value === null || d.value.k !== 'str') return base;
  const port = lastWinning(postfix, 'relayPort')?.value;
  const mx = lastWinning(postfix, 'lookupMX')?.value;
  if ((port && port.k !== 'int') || (mx && mx.k !== 'bool')) {
    return { ...base, value: null, unknownReason: 'relayPort or lookupMX is not evaluable' };
  }
  const p = port && port.k === 'int' ? port.n : 25;
  const host = d.value.s;
  const value = mx && mx.k === 'bool' && mx.b ? `${host}:${p}` : `[${host}]:${p}`;
  return { ...base, value, items: [{ text: value, at: base.valueAt }] };
}

function paramFromValue(name: string, d: Def, loc: Locations, source: PostfixParamSource, option?: string): PostfixParam {
  const v = d.value;
  // Filled in the model's field order (the output's), without spreading a common part twice.
  const p: Writable<PostfixParam> = { name, source } as Writable<PostfixParam>;
  if (option) p.option = option;
  p.nameAt = loc.of(d.keyAt);
  p.entryAt = loc.of(d.bindingAt);
  const rendered = renderValue(v, loc);
  if (rendered.value === null) {
    p.value = null;
    p.unknownReason = rendered.reason;
    p.valueAt = loc.of(v.at);
    p.items = [];
  } else {
    p.value = rendered.value;
    p.valueAt = rendered.at;
    p.items = rendered.items;
  }
  return p;
}

/** How nixpkgs writes a value into main.cf: yes/no, numbers, lists joined by commas. */
function renderValue(v: NixValue, loc: Locations): { value: string; at: Location; items: PostfixListItem[] } | { value: null; reason: string } {
  switch (v.k) {
    case 'bool':
      return { value: v.b ? 'yes' : 'no', at: loc.of(v.at), items: [{ text: v.b ? 'yes' : 'no', at: loc.of(v.at) }] };
    case 'int':
    case 'float':
      return { value: String(v.n), at: loc.of(v.at), items: [{ text: String(v.n), at: loc.of(v.at) }] };
    case 'str': {
      const hole = holeIn(v);
      if (hole) return { value: null, reason: hole.reason };
      return { value: v.s, at: loc.content(v), items: stringItems(v, loc) };
    }
    case 'list': {
      const parts: string[] = [];
      const items: PostfixListItem[] = [];
      for (const i of v.items) {
        const r = renderValue(i.force(), loc);
        if (r.value === null) return r;
        parts.push(r.value);
        items.push(...r.items);
      }
      return { value: parts.join(', '), at: loc.of(v.at), items };
    }
    case 'unknown':
      return { value: null, reason: v.reason };
    default:
      return { value: null, reason: `${v.k} value is not a main.cf value` };
  }
}

function stringItems(v: Of<'str'>, loc: Locations): PostfixListItem[] {
  return splitItems(v.s).map((it) => ({ text: it.text, at: loc.of(locateInString(v, it.start, it.end)) }));
}

/** A parameter parsed from Nix string text whose value touches an unevaluated interpolation. */
function markHoles(p: PostfixParam, s: Of<'str'>, start: number, end: number): PostfixParam {
  const hole = holeIn(s, start, end);
  if (!hole) return p;
  return { ...p, value: null, unknownReason: `value interpolates an unevaluated Nix expression (${hole.reason})`, items: [] };
}

/** Fields nixpkgs' own master entries give these services (a user's entry merges into them). */
const NIXOS_MASTER_DEFAULTS: Record<string, { name?: string; type?: string; private?: string; command?: string }> = {
  smtp_inet: { name: 'smtp', type: 'inet', private: 'n', command: 'smtpd' },
  relay: { command: 'smtp' },
  submission: { type: 'inet', private: 'n', command: 'smtpd' },
  submissions: { type: 'inet', private: 'n', command: 'smtpd' },
};

/** `entry`: the part under the service's `masterConfig.<key>` / `settings.master.<key>`. */
function masterEntry(
  entry: OptionReader,
  key: string,
  loc: Locations,
  source: PostfixParamSource,
  serviceAt: Location,
  at: Location,
): MasterEntry | undefined {
  const one = (k: string): NixValue | undefined => pickDef(entry.effective([k]))?.value;
  const str = (k: string): string | undefined => {
    const v = one(k);
    if (!v) return undefined;
    if (v.k === 'str' && !v.holes) return v.s;
    if (v.k === 'int') return String(v.n);
    if (v.k === 'bool') return v.b ? 'y' : 'n';
    return '?';
  };
  const yn = (k: string, invert = false): string | undefined => {
    const v = one(k);
    if (!v) return undefined;
    if (v.k === 'bool') return v.b !== invert ? 'y' : 'n';
    return '?';
  };
  const nameV = one('name');
  const dflt = NIXOS_MASTER_DEFAULTS[key] ?? {};
  const service = nameV && nameV.k === 'str' && !nameV.holes ? nameV.s : dflt.name ?? key;
  const argsV = one('args');
  const args: string[] = [];
  const overrides: PostfixParam[] = [];
  const argValues: NixValue[] = argsV && argsV.k === 'list' ? argsV.items.map((i) => i.force()) : [];
  for (let i = 0; i < argValues.length; i++) {
    const a = argValues[i];
    if (a.k !== 'str') {
      args.push('?');
      continue;
    }
    args.push(a.s);
    if (a.s === '-o' && i + 1 < argValues.length) {
      const next = argValues[i + 1];
      if (next.k === 'str') {
        const o = overrideParam(next, loc, source);
        if (o) overrides.push(o);
      }
    }
  }
  return {
    service,
    type: str('type') ?? dflt.type ?? 'unix',
    private: yn('private') ?? dflt.private ?? '-',
    unpriv: yn('privileged', true) ?? '-',
    chroot: yn('chroot') ?? 'n',
    wakeup: str('wakeup') ?? '-',
    maxproc: str('maxproc') ?? '-',
    command: str('command') ?? dflt.command ?? service,
    args,
    overrides,
    serviceAt,
    at,
  };
}

/** `"name=value"` after `-o` in an `args` list, located inside the string. */
function overrideParam(v: Of<'str'>, loc: Locations, source: PostfixParamSource): PostfixParam | undefined {
  const eq = v.s.indexOf('=');
  if (eq <= 0) return undefined;
  const name = v.s.slice(0, eq).trim();
  const valueStr = sliceString(v, eq + 1, v.s.length);
  const hole = holeIn(v, eq + 1, v.s.length);
  const nameAt = loc.of(locateInString(v, 0, eq));
  const valueAt = loc.of(locateInString(v, eq + 1, v.s.length));
  const entryAt = loc.content(v);
  if (hole || holeIn(v, 0, eq)) return { name, value: null, unknownReason: hole?.reason ?? 'name not evaluable', source, nameAt, valueAt, entryAt, items: [] };
  return { name, value: valueStr.s, source, nameAt, valueAt, entryAt, items: stringItems(valueStr, loc) };
}
