/**
 * The merged configuration of one host, read path by path (never materialised whole): every
 * definition of an option across the host's modules, with NixOS priorities (mkForce <
 * plain < mkDefault < option default). Also answers the evaluator's `config.*` lookups.
 */
import type { ModuleEval } from './module';
import { mkIfApplies, PRIORITY } from './lib';
import type { NixValue, Of, Span } from './values';
import { Lazy, OpenAttrs, ownAttr, unknownValue } from './values';
import type { Attr } from './values';

export interface Def {
  readonly value: NixValue;
  readonly priority: number;
  /** The binding that wrote the value (`a.b = v;`), or the value itself. */
  readonly bindingAt: Span;
  readonly keyAt: Span;
  readonly file: string;
  /** Set when the definition sits under an attribute whose name could not be evaluated. */
  readonly dynamicKey?: string;
}

const MAX_LOOKUP_DEPTH = 12;

/**
 * How `mkIf` conditions are read: `host` evaluates them in the host's configuration (a
 * module enabled by an option the host leaves false sets nothing); `would-enable`, for a
 * module no host imports, takes a condition that reads the configuration as met (what the
 * module sets when some host enables it) and evaluates the others (`mkIf false` still drops).
 */
export type ConditionMode = 'host' | 'would-enable';

/** A name some module defines under a path, where the first definition binds it. */
export interface DefinedKey {
  readonly key: string;
  readonly keyAt: Span;
  readonly bindingAt: Span;
}

/** Reading options by path: the host's whole configuration, or the part of it under a prefix. */
export abstract class OptionReader {
  /** Whether a `mkIf` holds, as the host decides it. */
  protected abstract readonly applies: Applies;

  /** Every definition at `path`, in module order; mkMerge parts and mkIf are flattened. */
  abstract defs(path: readonly string[]): Def[];

  /** The definitions that win (lowest priority number); unknown ones always stay. */
  effective(path: readonly string[]): readonly Def[] {
    return winning(this.defs(path));
  }

  /** The names under `path` that some module defines (`networking.interfaces` → ens3, ...). */
  keys(path: readonly string[]): DefinedKey[] {
    return definedKeys(this.defs(path));
  }

  /**
   * A value read inside a definition (an attribute of a submodule value such as an address
   * entry or a gateway): a `mkIf` there is decided as the host decides it, and one that does
   * not hold is no value, as for an attribute that is not set.
   */
  settle(v: NixValue | undefined): NixValue | undefined {
    while (v?.k === 'merge' && v.when && v.parts.length === 1) v = this.applies(v) ? v.parts[0].force() : undefined;
    return v;
  }

  /**
   * The part under `prefix`, walked to once: several options read below one prefix
   * (`networking.*`) then visit only the definitions of the prefix, not every module again.
   */
  under(prefix: readonly string[]): OptionReader {
    return new ConfigPart(this.defs(prefix), this.applies);
  }
}

/** The definitions below a prefix's definitions: the same answers as walking from every module's root. */
class ConfigPart extends OptionReader {
  constructor(
    private readonly base: readonly Def[],
    protected readonly applies: Applies,
  ) {
    super();
  }

  defs(path: readonly string[]): Def[] {
    const out: Def[] = [];
    for (const d of this.base) walk(d.value, path, 0, d.priority, d.bindingAt, d.keyAt, d.file, out, d.dynamicKey, this.applies);
    return out;
  }
}

export class HostConfig extends OptionReader {
  private readonly memo = new Map<string, NixValue | undefined | 'pending'>();
  private lookupDepth = 0;
  private modules: readonly ModuleEval[] = [];
  protected readonly applies: Applies;
  /** `config.*` reads so far: tells whether forcing a condition read the configuration. */
  private lookups = 0;
  private readonly readsConfig = new WeakMap<Lazy, boolean>();

  constructor(conditions: ConditionMode = 'host') {
    super();
    this.applies = conditions === 'host' ? mkIfApplies : (v) => this.wouldApply(v);
  }

  /** `would-enable`: a condition that reads the configuration counts as met. */
  private wouldApply(v: Of<'merge'>): boolean {
    if (!v.when) return true;
    let reads = this.readsConfig.get(v.when);
    if (reads === undefined) {
      const before = this.lookups;
      v.when.force();
      reads = this.lookups !== before;
      this.readsConfig.set(v.when, reads);
    }
    return reads || mkIfApplies(v);
  }

  /** Modules are set after construction: their evaluators call back into `lookup`. */
  setModules(modules: readonly ModuleEval[]): void {
    this.modules = modules;
    this.memo.clear();
  }

  defs(path: readonly string[]): Def[] {
    const out: Def[] = [];
    for (const m of this.modules) {
      const root = m.config.force();
      walk(root, path, 0, PRIORITY.plain, root.at, root.at, m.file, out, undefined, this.applies);
    }
    return out;
  }

  /** For the evaluator: `config.<path>` of this host as a value, or undefined when not known. */
  lookup(path: readonly string[]): NixValue | undefined {
    this.lookups++;
    const id = path.join('\u0000');
    const hit = this.memo.get(id);
    if (hit === 'pending') return undefined;
    if (this.memo.has(id)) return hit as NixValue | undefined;
    if (this.lookupDepth >= MAX_LOOKUP_DEPTH) return undefined;
    this.memo.set(id, 'pending');
    this.lookupDepth++;
    let result: NixValue | undefined;
    try {
      result = this.resolve(path);
    } finally {
      this.lookupDepth--;
    }
    this.memo.set(id, result);
    return result;
  }

  private resolve(path: readonly string[]): NixValue | undefined {
    const all = this.defs(path);
    const defs = winning(all);
    if (!defs.length) return this.optionDefault(path);
    const knownDefs = defs.filter((d) => d.value.k !== 'unknown' && !d.dynamicKey);
    if (!knownDefs.length) return undefined;
    if (knownDefs.some((d) => d.value.k === 'attrs')) {
      const attrs = new Map<string, Attr>();
      for (const { key, keyAt, bindingAt } of definedKeys(all)) {
        const sub = [...path, key];
        attrs.set(key, { value: new Lazy(() => this.lookup(sub) ?? unknownValue(`config.${sub.join('.')} is not set to a known value here`, keyAt, sub)), keyAt, bindingAt });
      }
      // Other modules (outside the workspace) may define more names: those stay unknown.
      const open = new OpenAttrs(attrs, (key) => unknownValue(`config.${[...path, key].join('.')} is not set to a known value here`, knownDefs[0].value.at, [...path, key]));
      return { k: 'attrs', attrs: open, at: knownDefs[0].value.at };
    }
    if (knownDefs.every((d) => d.value.k === 'list')) {
      const items = knownDefs.flatMap((d) => (d.value.k === 'list' ? d.value.items : []));
      return { k: 'list', items, at: knownDefs[0].value.at };
    }
    if (knownDefs.length < defs.length) return undefined;
    return knownDefs[knownDefs.length - 1].value;
  }

  /** `options.a.b = mkOption { default = ...; }` of some module, walked into for longer paths. */
  private optionDefault(path: readonly string[]): NixValue | undefined {
    for (const m of this.modules) {
      const opts = m.options()?.force();
      if (!opts) continue;
      let v: NixValue = opts;
      for (let i = 0; i <= path.length; i++) {
        if (v.k !== 'attrs') break;
        const type = v.attrs.get('_type')?.value.force();
        if (type && type.k === 'str' && type.s === 'option') {
          const d = v.attrs.get('default')?.value.force();
          if (!d) break;
          let inner: NixValue = d;
          for (const k of path.slice(i)) {
            if (inner.k !== 'attrs') return undefined;
            const a = inner.attrs.get(k);
            if (!a) return undefined;
            inner = a.value.force();
          }
          return inner.k === 'unknown' ? undefined : inner;
        }
        if (i === path.length) break;
        const a = v.attrs.get(path[i]);
        if (!a) break;
        v = a.value.force();
      }
    }
    return undefined;
  }
}

/** The names the set-valued definitions bind, each once, in definition order (`__` names are internal). */
export function definedKeys(defs: readonly Def[]): DefinedKey[] {
  const out: DefinedKey[] = [];
  // The names listed so far, needed only once a second set may repeat one (one set's names
  // are distinct, and most options are defined by one set).
  let seen: Set<string> | undefined;
  for (const d of defs) {
    if (d.value.k !== 'attrs') continue;
    if (out.length && !seen) seen = new Set(out.map((k) => k.key));
    // forEach, not for-of over entries: code this cold made an entry pair and an iterator
    // result per name.
    d.value.attrs.forEach((a, k) => {
      if (k.startsWith('__') || seen?.has(k)) return;
      seen?.add(k);
      out.push({ key: k, keyAt: a.keyAt, bindingAt: a.bindingAt });
    });
  }
  return out;
}

/**
 * The last of some definitions (the one that wins among equals), undefined for none. Not
 * `defs[defs.length - 1]`: most options a host is asked for have no definition, and V8 reads
 * index -1 of an array as a named property, through its slowest path.
 */
export function lastDef(defs: readonly Def[]): Def | undefined {
  return defs.length ? defs[defs.length - 1] : undefined;
}

/** Lowest priority number wins; unknown and computed-key definitions are kept beside them. */
export function winning(defs: readonly Def[]): readonly Def[] {
  // Asked for nearly every option a host is read through, mostly of none or one definition:
  // no intermediate lists, and the same list when nothing loses.
  let best: number | undefined;
  for (const d of defs) if (d.value.k !== 'unknown' && !d.dynamicKey) best = best === undefined ? d.priority : Math.min(best, d.priority);
  if (best === undefined) return defs;
  for (const d of defs) {
    if (d.value.k !== 'unknown' && !d.dynamicKey && d.priority !== best) return defs.filter((x) => x.value.k === 'unknown' || x.dynamicKey || x.priority === best);
  }
  return defs;
}

type Applies = (v: Of<'merge'>) => boolean;

function walk(v: NixValue, path: readonly string[], i: number, prio: number, bindingAt: Span, keyAt: Span, file: string, out: Def[], dyn: string | undefined, applies: Applies): void {
  const p = v.priority ?? prio;
  // One read of the kind: values come in many shapes, so each read is a megamorphic lookup.
  switch (v.k) {
    case 'merge': {
      // A mkIf's condition is read only when its content defines something at `path`.
      const found: Def[] = v.when ? [] : out;
      for (const part of v.parts) walk(part.force(), path, i, p, bindingAt, keyAt, file, found, dyn, applies);
      if (found !== out && found.length && applies(v)) out.push(...found);
      return;
    }
    case 'attrs':
      if (i === path.length) break;
      {
        const a = ownAttr(v.attrs, path[i]);
        if (a) walk(a.value.force(), path, i + 1, p, a.bindingAt, a.keyAt, file, out, dyn, applies);
      }
      // Asked for every set on every option path: no empty list made when there is nothing dynamic.
      if (v.dynamic) for (const d of v.dynamic) walk(d.value.force(), path, i + 1, p, d.bindingAt, d.keyAt, file, out, d.reason, applies);
      return;
    case 'unknown':
      if (i === path.length) break;
      out.push({ value: unknownValue(v.reason, v.at), priority: p, bindingAt, keyAt, file, dynamicKey: dyn });
      return;
    default:
      if (i !== path.length) return;
  }
  out.push({ value: v, priority: p, bindingAt, keyAt, file, dynamicKey: dyn });
}
