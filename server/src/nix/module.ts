/**
 * A file evaluated as a NixOS module: its `config` part, `imports` and `options`. Function
 * modules (`{ config, lib, pkgs, ... }: { ... }`) are applied to module arguments: `lib` is
 * the evaluator's lib, `config` refers to the host's merged configuration (resolved through
 * the hooks), everything else is unknown.
 */
import type { Node } from 'web-tree-sitter';
import { errorFreeText, formalNodes, isComment, scanFormals } from './syntax';
import type { EvalHooks, Scope } from './evaluate';
import { Evaluator, pathLiteralsIn } from './evaluate';
import { rootForRepeatedEvaluation } from './kept-node';
import type { LiteralModule } from './literal-module';
import { literalModule, literalModuleFacts } from './literal-module';
import { libValue } from './lib';
import type { ParsedNix } from './parse';
import type { ScannedLiteral } from './text-scan';
import { scanFormals as scanFormalsText, skipLayout } from './text-scan';
import type { Attr, NixValue, Of, Span } from './values';
import { Lazy, unknownValue } from './values';

export interface ImportRef {
  readonly value: NixValue;
  /** The list element (or the `imports` binding when the list itself is unknown). */
  readonly at: Span;
  readonly text: string;
}

export interface ModuleEval {
  readonly file: string;
  readonly evaluator: Evaluator;
  /** The whole file's value after applying module arguments. */
  readonly top: Lazy;
  readonly config: Lazy;
  /**
   * A function, not a getter: measured in loops with a scavenge after each round, V8 promotes
   * an object literal with a getter, and the whole evaluation it holds, where it does not
   * promote the same literal with a function property.
   */
  readonly options: () => Lazy | undefined;
  readonly imports: () => ImportRef[];
}

/** Keys of a module that are not configuration (when it has no explicit `config`). */
const MODULE_META = new Set(['imports', 'options', '_file', 'key', 'disabledModules', 'meta', 'freeformType', '_class']);

const baseCache = new WeakMap<object, ModuleEval>();
/** Trees whose module was evaluated once and not kept (see evaluateModuleToBuild). */
const evaluatedOnce = new WeakSet<object>();

/** Shared by every evaluation (each module's kept its own empty objects to the end). */
const NO_HOOKS: EvalHooks = Object.freeze({});
const TOP_SCOPE: Scope = Object.freeze({});

/**
 * The module, evaluated without a host (kept per parsed tree). Use `evaluateModuleWith` when
 * `config.*` references should resolve in a host.
 */
export function evaluateModule(parsed: ParsedNix): ModuleEval {
  let m = baseCache.get(parsed.tree);
  if (!m) {
    m = evaluateModuleWith(parsed, NO_HOOKS);
    baseCache.set(parsed.tree, m);
  }
  return m;
}

/**
 * `evaluateModule` for building a host: not kept on the tree's first request. A host's own
 * files are built from once in a cold analysis; kept to the end, each host's evaluation
 * survived every scavenge after it and was promoted (about 20 KB per host), while one that
 * is not kept dies young. Modules shared by hosts, and the files of a host the editor
 * rebuilds, are asked for again and kept from then on.
 */
export function evaluateModuleToBuild(parsed: ParsedNix): ModuleEval {
  const tree = parsed.tree;
  const kept = baseCache.get(tree);
  if (kept) return kept;
  if (evaluatedOnce.has(tree)) return evaluateModule(parsed);
  evaluatedOnce.add(tree);
  return evaluateModuleWith(parsed, NO_HOOKS);
}

const IMPORTS_WORD = /\bimports?\b/;
const importsMemo = new WeakMap<ParsedNix['tree'], readonly ImportRef[]>();

/**
 * The file's `imports`, kept per parsed tree (the editor asks for every file after each
 * keystroke): read from the text when the file is a literal module, else evaluated.
 */
export function moduleImports(parsed: ParsedNix): readonly ImportRef[] {
  // A file that never says `import`/`imports` has none (large service modules rarely import).
  if (!IMPORTS_WORD.test(parsed.file.text)) return [];
  let refs = importsMemo.get(parsed.tree);
  if (!refs) {
    const literal = literalModuleFacts(parsed)?.imports;
    refs = literal ? listedPaths(parsed, literal) : evaluateModule(parsed).imports();
    importsMemo.set(parsed.tree, refs);
  }
  return refs;
}

/** Paths the text scan read, as the evaluation lists them. */
function listedPaths(parsed: ParsedNix, items: readonly ScannedLiteral[]): ImportRef[] {
  const { path, text } = parsed.file;
  const pathOf = pathLiteralsIn(path);
  return items.map((item) => {
    const at: Span = { file: path, start: item.start, end: item.end };
    return new ListedImport(pathOf(text.slice(item.start, item.end), at), at, text);
  });
}

const readsConfigMemo = new WeakMap<ParsedNix['tree'], boolean>();

/**
 * Whether the module reads its own `config` (then each host evaluates it on its own). Asked
 * for every module of every host: kept per parsed tree.
 */
export function readsConfig(parsed: ParsedNix): boolean {
  let v = readsConfigMemo.get(parsed.tree);
  if (v === undefined) {
    v = namesConfigInBody(parsed);
    readsConfigMemo.set(parsed.tree, v);
  }
  return v;
}

function namesConfigInBody(parsed: ParsedNix): boolean {
  const word = /\bconfig\b/g;
  if (!word.test(parsed.file.text)) return false;
  const formals = moduleFormals(parsed);
  if (!formals) return false;
  // `{ config, lib, ... }:` only declares it: a module whose body never names `config` reads
  // nothing of the host and is evaluated once for all hosts (most shared modules).
  const declared = formals.filter((name) => name === 'config').length;
  // One use more than the declarations is enough: the scan stops there, not at the file's end.
  let uses = 1;
  while (uses <= declared && word.test(parsed.file.text)) uses++;
  return uses > declared;
}

/** The formals' names of a module function; undefined when the file is not a function. */
function moduleFormals(parsed: ParsedNix): readonly string[] | undefined {
  // A file starting with `{ a, b, ... }:` is such a function: read from the text, not the nodes.
  const text = parsed.unparsed ? undefined : errorFreeText(parsed.tree);
  const scanned = text === undefined ? undefined : scanFormalsText(text, skipLayout(text, 0));
  if (scanned) return scanned.map((k) => k.name);
  const root = rootExpression(parsed);
  if (!root || root.type !== 'function_expression') return undefined;
  return scanFormals(root)?.map((k) => k.name) ?? formalNodes(root)?.map((f) => f.childForFieldName('name')?.text ?? '') ?? [];
}

export function evaluateModuleWith(parsed: ParsedNix, hooks: EvalHooks): ModuleEval {
  const file = parsed.file.path;
  const ev = new Evaluator(file, parsed.file.text, hooks);
  // The root node is read inside: a node captured here would outlive the evaluation (the
  // getters below share this scope), and with it every child list web-tree-sitter cached.
  const top = new Lazy(() => {
    // A literal module's value is built from the text scan, without reading its nodes.
    const literal = literalModule(parsed);
    let v = literal ? literalValue(ev, literal) : ev.eval(rootOf(parsed, hooks), TOP_SCOPE);
    // A module may be a function returning a module function (flake-style argument passing).
    // The arguments are made when a formal is first read: most host files name `config`,
    // `lib` or `pkgs` in their formals and never use them.
    // (The thunk holds the formals and span only, not the function and its body's nodes.)
    for (let i = 0; i < 2 && v.k === 'fn'; i++) {
      const { formals, at } = v;
      v = v.call(new Lazy(() => moduleArgs(formals, at)), at);
    }
    return v;
  });
  const part = (key: string): Lazy | undefined => {
    const t = top.force();
    if (t.k !== 'attrs') return undefined;
    return t.attrs.get(key)?.value;
  };
  const config = new Lazy(() => {
    const t = top.force();
    if (t.k !== 'attrs') return t.k === 'unknown' ? t : unknownValue('module is not an attribute set', t.at);
    if (t.attrs.has('config') || t.attrs.has('options')) {
      return t.attrs.get('config')?.value.force() ?? { k: 'attrs', attrs: new Map(), at: t.at };
    }
    return withoutModuleKeys(t);
  });
  let options: Lazy | undefined;
  let optionsDone = false;
  let imports: ImportRef[] | undefined;
  return {
    file,
    evaluator: ev,
    top,
    config,
    options: () => {
      if (!optionsDone) {
        options = part('options');
        optionsDone = true;
      }
      return options;
    },
    // A file that never says `import`/`imports` has none: skip evaluating it just to look
    // (the editor asks again after each keystroke; large service modules rarely import).
    imports: () => (imports ??= IMPORTS_WORD.test(parsed.file.text) ? listImports(top.force(), parsed) : []),
  };
}

/** A module's set without its own keys (`imports`, `options`, ...): itself when it has none. */
function withoutModuleKeys(t: Of<'attrs'>): Of<'attrs'> {
  // A handful of lookups, not a walk over every binding of the set.
  let hasModuleKey = false;
  for (const k of MODULE_META) if (t.attrs.has(k)) hasModuleKey = true;
  if (!hasModuleKey) return t;
  const attrs = new Map<string, Attr>();
  t.attrs.forEach((a, k) => {
    if (!MODULE_META.has(k)) attrs.set(k, a);
  });
  return { ...t, attrs };
}

/**
 * The root node to evaluate: a module evaluated with a host's hooks reads `config`, and is
 * evaluated again for every host that imports it, so from its second host on its node reads
 * are kept per tree.
 */
function rootOf(parsed: ParsedNix, hooks: EvalHooks): Node {
  return hooks.configLookup ? rootForRepeatedEvaluation(parsed.tree) : parsed.tree.rootNode;
}

/** What `eval` gives for the root of a literal module's tree. */
function literalValue(ev: Evaluator, { function: fn, set }: LiteralModule): NixValue {
  if (!fn) return ev.evalScannedSet(set, TOP_SCOPE);
  return ev.scannedFunction({ file: ev.file, start: fn.start, end: set.end }, fn.formals, set, TOP_SCOPE);
}

function listImports(top: NixValue, parsed: ParsedNix): ImportRef[] {
  if (top.k !== 'attrs') return [];
  const a = top.attrs.get('imports');
  if (!a) return [];
  return importsOf(a.value.force(), a.bindingAt, parsed.file.text);
}

/** The elements of an `imports` (or flake `modules`) list. */
export function importsOf(v: NixValue, at: Span, text: string): ImportRef[] {
  if (v.k === 'merge') return v.parts.flatMap((p) => importsOf(p.force(), at, text));
  if (v.k !== 'list') return [new ListedImport(v, v.at.file ? v.at : at, text)];
  return v.items.map((item) => {
    const value = item.force();
    return new ListedImport(value, item.at ?? value.at, text);
  });
}

/** An import as listed; its text is cut from the file only when asked (for a missing import's message). */
class ListedImport implements ImportRef {
  constructor(
    readonly value: NixValue,
    readonly at: Span,
    private readonly source: string,
  ) {}

  get text(): string {
    const t = this.source.slice(this.at.start, this.at.end).replace(/\s+/g, ' ');
    return t.length > 80 ? t.slice(0, 80) + '…' : t;
  }
}

/** The arguments NixOS passes a module (config resolves through the evaluator's hooks). */
export function moduleArgs(formals: readonly string[] | undefined, at: Span): NixValue {
  const names = new Set(['config', 'lib', 'pkgs', 'options', 'modulesPath', ...(formals ?? [])]);
  const attrs = new Map<string, Attr>();
  for (const name of names) {
    let v: NixValue;
    if (name === 'config') v = unknownValue('config', at, []);
    else if (name === 'lib') v = libValue();
    else if (name === 'modulesPath') v = { k: 'path', p: '', external: '<modulesPath>', at };
    else if (name === 'pkgs') v = unknownValue("packages ('pkgs') are not evaluated", at);
    else v = unknownValue(`module argument '${name}' is given outside the file (specialArgs, _module.args)`, at);
    attrs.set(name, { value: Lazy.of(v), keyAt: at, bindingAt: at });
  }
  return { k: 'attrs', attrs, at };
}

/** The first expression of a file (the module or the flake), skipping comments. */
export function rootExpression(parsed: ParsedNix): Node | undefined {
  return parsed.tree.rootNode.namedChildren.find((c): c is Node => !!c && !isComment(c));
}
