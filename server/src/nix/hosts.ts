/**
 * Which files make a host (rules.md): the modules of each `nixosConfigurations.<name>` (in a
 * flake, or a flake-parts `flake.nixosConfigurations`); otherwise every file that sets
 * `networking.hostName` (itself or through its imports) and is not imported by another
 * host's files. A host is its entry plus everything reachable through `imports`.
 */
import { posix } from 'node:path';
import type { MissingImport } from '../model/types';
import { HostConfig, type ConditionMode } from './host-config';
import type { Locations } from './locate';
import type { ImportRef, ModuleEval } from './module';
import { evaluateModule, evaluateModuleToBuild, evaluateModuleWith, importsOf, moduleArgs, moduleImports, readsConfig } from './module';
import type { ParsedNix } from './parse';
import type { NixValue, Span } from './values';
import { Lazy, unknownValue } from './values';

export interface ModuleRef {
  /** A file of the workspace, or an inline module (a set or function inside an imports list). */
  readonly file: string;
  readonly inline?: NixValue;
}

export interface ImportGraph {
  readonly modules: ModuleRef[];
  readonly missing: { ref: ImportRef; reason: string; from: string }[];
}

export class Workspace {
  private readonly importCache = new Map<string, ImportGraph>();

  constructor(readonly parsed: ReadonlyMap<string, ParsedNix>) {}

  /** The direct imports of a file (cached: imports do not depend on the host). */
  directImports(file: string): ImportGraph {
    let g = this.importCache.get(file);
    if (!g) {
      const p = this.parsed.get(file);
      g = p ? this.resolveRefs(moduleImports(p), file) : { modules: [], missing: [] };
      this.importCache.set(file, g);
    }
    return g;
  }

  resolveRefs(refs: readonly ImportRef[], from: string): ImportGraph {
    const modules: ModuleRef[] = [];
    const missing: ImportGraph['missing'] = [];
    for (const ref of refs) {
      const v = ref.value;
      if (v.k === 'path' || (v.k === 'str' && !v.holes && v.s.startsWith('/'))) {
        if (v.k === 'path' && v.external) {
          missing.push({ ref, reason: `${v.external} is outside the workspace`, from });
          continue;
        }
        const p = v.k === 'path' ? v.p : posix.normalize(v.s);
        const target = this.parsed.has(p) ? p : this.parsed.has(`${p}/default.nix`) ? `${p}/default.nix` : undefined;
        if (target) modules.push({ file: target });
        else missing.push({ ref, reason: 'not among the workspace files', from });
      } else if (v.k === 'attrs' || v.k === 'fn') modules.push({ file: from, inline: v });
      else if (v.k === 'unknown') missing.push({ ref, reason: `module not evaluable (${v.reason})`, from });
      else missing.push({ ref, reason: 'not a module', from });
    }
    return { modules, missing };
  }

  /** Entry modules and everything they import, each file once, in import order. */
  closure(entries: readonly ModuleRef[]): ImportGraph {
    const seenFiles = new Set<string>();
    const modules: ModuleRef[] = [];
    const missing: ImportGraph['missing'] = [];
    const stack: ModuleRef[] = [];
    pushReversed(stack, entries);
    while (stack.length) {
      const m = stack.pop()!;
      if (m.inline) {
        modules.push(m);
        const sub = this.resolveRefs(inlineImports(m.inline, m.file), m.file);
        missing.push(...sub.missing);
        pushReversed(stack, sub.modules);
        continue;
      }
      if (seenFiles.has(m.file)) continue;
      seenFiles.add(m.file);
      modules.push(m);
      const g = this.directImports(m.file);
      for (const x of g.missing) missing.push(x);
      pushReversed(stack, g.modules);
    }
    return { modules, missing };
  }

  /** The host configuration of a module list: modules reading `config` see the host's values. */
  hostConfig(modules: readonly ModuleRef[], conditions: ConditionMode = 'host'): HostConfig {
    const cfg = new HostConfig(conditions);
    const hooks = { configLookup: (path: readonly string[]) => cfg.lookup(path) };
    const evals: ModuleEval[] = [];
    for (const m of modules) {
      if (m.inline) {
        evals.push(inlineModule(m.inline, m.file));
        continue;
      }
      const p = this.parsed.get(m.file);
      if (!p) continue;
      evals.push(readsConfig(p) ? evaluateModuleWith(p, hooks) : evaluateModuleToBuild(p));
    }
    cfg.setModules(evals);
    return cfg;
  }
}

/** Onto a depth-first stack, so that the first module is taken first. */
function pushReversed(stack: ModuleRef[], modules: readonly ModuleRef[]): void {
  for (let i = modules.length - 1; i >= 0; i--) stack.push(modules[i]);
}

function inlineImports(v: NixValue, file: string): ImportRef[] {
  const m = inlineModule(v, file);
  return m.imports();
}

/** A module written inline (`imports = [ { ... } ]`), evaluated in its file's context. */
function inlineModule(v: NixValue, file: string): ModuleEval {
  const top = new Lazy(() => (v.k === 'fn' ? v.call(Lazy.of(moduleArgs(v.formals, v.at)), v.at) : v));
  const config = new Lazy(() => {
    const t = top.force();
    if (t.k !== 'attrs') return t;
    if (t.attrs.has('config') || t.attrs.has('options')) return t.attrs.get('config')?.value.force() ?? { k: 'attrs', attrs: new Map(), at: t.at };
    const attrs = new Map(t.attrs);
    attrs.delete('imports');
    attrs.delete('options');
    return { ...t, attrs };
  });
  return {
    file,
    evaluator: undefined as never,
    top,
    config,
    options: () => {
      const t = top.force();
      return t.k === 'attrs' ? t.attrs.get('options')?.value : undefined;
    },
    imports: () => {
      const t = top.force();
      const a = t.k === 'attrs' ? t.attrs.get('imports') : undefined;
      return a ? importsOf(a.value.force(), a.bindingAt, '') : [];
    },
  };
}

export interface FlakeHost {
  readonly name: string;
  readonly file: string;
  readonly nameAt: Span;
  readonly modules: readonly ImportRef[];
}

/** `nixosConfigurations.<name> = nixosSystem { modules = [...]; }` in a flake or flake-parts module. */
export function flakeHosts(parsed: ParsedNix): FlakeHost[] {
  if (!parsed.file.text.includes('nixosConfigurations')) return [];
  const top = evaluateModule(parsed).top.force();
  const candidates: NixValue[] = [];
  const pick = (v: NixValue | undefined, ...path: string[]) => {
    let cur = v;
    for (const k of path) {
      if (!cur || cur.k !== 'attrs') return;
      cur = cur.attrs.get(k)?.value.force();
    }
    if (cur) candidates.push(cur);
  };
  pick(top, 'nixosConfigurations');
  pick(top, 'flake', 'nixosConfigurations');
  if (top.k === 'attrs') {
    const outputs = top.attrs.get('outputs')?.value.force();
    if (outputs && outputs.k === 'fn') {
      const at = outputs.at;
      pick(outputs.call(Lazy.of(unknownValue('flake inputs are not evaluated', at)), at), 'nixosConfigurations');
    } else pick(outputs, 'nixosConfigurations');
  }
  const out: FlakeHost[] = [];
  for (const c of candidates) {
    if (c.k !== 'attrs') continue;
    for (const [name, a] of c.attrs) {
      const sys = a.value.force();
      if (sys.k !== 'attrs') continue;
      const mods = sys.attrs.get('modules');
      const refs = mods ? importsOf(mods.value.force(), mods.bindingAt, parsed.file.text) : [];
      out.push({ name, file: parsed.file.path, nameAt: a.keyAt, modules: refs });
    }
  }
  return out;
}

export function missingImports(g: ImportGraph, loc: Locations): MissingImport[] {
  if (!g.missing.length) return [];
  const seen = new Set<string>();
  const out: MissingImport[] = [];
  for (const m of g.missing) {
    const key = `${m.ref.at.file}:${m.ref.at.start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = m.ref.value;
    const path = v.k === 'path' ? (v.external ?? v.p) : m.ref.text;
    out.push({ path, at: loc.of(m.ref.at), reason: m.reason });
  }
  return out;
}
