/**
 * Module files written as one literal set, `{ a, b, ... }: { ... }` or `{ ... }`, whose
 * bindings text-scan.ts reads (plain keys, literal values; comments only between the set's
 * own bindings and around the module). Such a file evaluates to exactly those bindings:
 * the evaluator builds its value from the scan instead of the tree, and host discovery reads
 * its `imports` and whether it sets `networking.hostName` without evaluating it (building
 * is then the first to evaluate a host's own files). Anything else is undefined: read from
 * the tree and evaluated as before.
 */
import type { ParsedNix } from './parse';
import { errorFreeText } from './syntax';
import type { ScannedBinding, ScannedKey, ScannedLiteral, ScannedSet } from './text-scan';
import { scanFormals, scanModuleSet, skipLayout } from './text-scan';
import type { Tree } from 'web-tree-sitter';

export interface LiteralModule {
  /** `{ formals }:` before the set, where the function starts (it ends with the set). */
  readonly function?: { readonly start: number; readonly formals: readonly ScannedKey[] };
  readonly set: ScannedSet;
}

/**
 * The file as a literal module, scanned anew (a scan is kept nowhere); undefined for any other
 * file. Only that verdict is kept per tree: a module read per host (it reads `config`) is asked
 * again for every host that imports it.
 */
export function literalModule(parsed: ParsedNix): LiteralModule | undefined {
  if (notLiteral.has(parsed.tree)) return undefined;
  const scanned = scanLiteralModule(parsed);
  if (!scanned) notLiteral.add(parsed.tree);
  return scanned;
}

const notLiteral = new WeakSet<Tree>();

function scanLiteralModule(parsed: ParsedNix): LiteralModule | undefined {
  const text = parsed.unparsed ? undefined : errorFreeText(parsed.tree);
  if (!text) return undefined;
  let i = skipLayout(text, 0);
  const start = i;
  const formals = scanFormals(text, i);
  if (formals) i = skipLayout(text, text.indexOf(':', i) + 1);
  const set = scanModuleSet(text, i);
  if (!set || skipLayout(text, set.end) !== text.length) return undefined;
  return formals ? { function: { start, formals }, set } : { set };
}

export interface LiteralModuleFacts {
  /** The items of its `imports` list, all path literals ([] without an `imports` binding); undefined when not so. */
  readonly imports: readonly ScannedLiteral[] | undefined;
  /** Whether its configuration defines `networking.hostName`; undefined when the bindings cannot tell. */
  readonly setsHostName: boolean | undefined;
}

/** Kept per tree: small facts only (a few offsets), not the scan. */
const factsMemo = new WeakMap<Tree, LiteralModuleFacts | null>();

/** The facts of a literal module file; undefined for any other file. */
export function literalModuleFacts(parsed: ParsedNix): LiteralModuleFacts | undefined {
  let facts = factsMemo.get(parsed.tree);
  if (facts === undefined) {
    const body = literalModule(parsed)?.set;
    facts = body ? { imports: importPaths(body), setsHostName: configDefines(body, HOST_NAME) } : null;
    factsMemo.set(parsed.tree, facts);
  }
  return facts ?? undefined;
}

const HOST_NAME = ['networking', 'hostName'];

/** `imports = [ ./a.nix ... ];` as the only binding of `imports`. */
function importPaths(body: ScannedSet): readonly ScannedLiteral[] | undefined {
  let found: readonly ScannedLiteral[] | undefined;
  for (const b of body.bindings) {
    if (b.keys[0].name !== 'imports') continue;
    if (found || b.keys.length !== 1 || b.value.kind !== 'list' || !b.value.items.every((item) => item.kind === 'path')) return undefined;
    found = b.value.items;
  }
  return found ?? [];
}

/**
 * Whether the module's configuration (its bindings without the module's own keys) has a
 * definition at `path`. Undefined when a `config` or `options` binding makes the
 * configuration a part of the set, or when a binding on the way is not a set.
 */
function configDefines(body: ScannedSet, path: readonly string[]): boolean | undefined {
  if (body.bindings.some((b) => b.keys[0].name === 'config' || b.keys[0].name === 'options')) return undefined;
  return defines(body.bindings, path);
}

function defines(bindings: readonly ScannedBinding[], path: readonly string[]): boolean | undefined {
  let found = false;
  for (const b of bindings) {
    const n = Math.min(b.keys.length, path.length);
    let i = 0;
    while (i < n && b.keys[i].name === path[i]) i++;
    if (i < n) continue;
    if (b.keys.length >= path.length) found = true;
    // A prefix of the path bound to a value that is not a set: its merge with the other
    // bindings is the evaluator's to decide.
    else if (b.value.kind !== 'set') return undefined;
    else {
      const inner = defines(b.value.bindings, path.slice(b.keys.length));
      if (inner === undefined) return undefined;
      found ||= inner;
    }
  }
  return found;
}
