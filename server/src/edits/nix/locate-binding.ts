/**
 * Finds where an attribute path is defined, or where it can be added, in the literal
 * structure of a Nix file, whichever way the author wrote it: dotted
 * (`networking.interfaces.ens3.ipv4.addresses = …`), nested (`networking = { interfaces = … }`)
 * or mixed.
 *
 * Nix merges the literal sets of one attribute set expression (`a = { b = 1; }; a.c = 2;` is
 * `{ a = { b = 1; c = 2; }; }`) but rejects a path defined twice when one definition is not
 * an attribute set literal (`a = x; a.c = 2;` → "attribute 'a.c' already defined"). So a
 * new binding goes inside the deepest literal set that covers a prefix of the path, and
 * nowhere when a non-literal value (a variable, an import, `inherit`) covers a prefix.
 */
import type { Node } from 'web-tree-sitter';
import { bindingPathKeys } from '../../nix/syntax';
import { literalAttrsetsOf } from './expression-shapes';
import { bindingsOf, inheritedNames, moduleBodyOf } from './module-body';

export type PathLocation =
  /** A binding defines exactly the path. */
  | { readonly kind: 'exact'; readonly binding: Node }
  /**
   * The path is absent: add `remainder = …;` to `attrset`, after `anchor` (the binding that
   * shares most of the path) or after the set's last binding when `anchor` is null.
   */
  | { readonly kind: 'insert'; readonly attrset: Node; readonly remainder: readonly string[]; readonly anchor: Node | null; readonly depth: number }
  /** The path cannot be written here without a Nix error or an unsafe guess. */
  | { readonly kind: 'blocked'; readonly reason: string };

function blocked(reason: string): PathLocation {
  return { kind: 'blocked', reason };
}

function commonPrefix(a: readonly (string | null)[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] !== null && a[i] === b[i]) i++;
  return i;
}

function commonCharPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Picks between locations found in different literal sets: exact, then blocked, then deepest insert. */
function better(a: PathLocation | undefined, b: PathLocation): PathLocation {
  if (!a) return b;
  if (a.kind === 'exact' || a.kind === 'blocked') return a;
  if (b.kind === 'exact' || b.kind === 'blocked') return b;
  return b.depth > a.depth ? b : a;
}

/** Locates `path` within one attribute set literal; `depth` counts the keys already consumed. */
export function locateInAttrset(attrset: Node, path: readonly string[], depth = 0): PathLocation {
  let covered: PathLocation | undefined;
  let anchor: Node | null = null;
  let anchorScore = 0;
  let sharedStatically = 0;
  const dynamicAt: number[] = [];

  for (const binding of bindingsOf(attrset)) {
    if (binding.type !== 'binding') {
      if (inheritedNames(binding).includes(path[0])) return blocked(`'${path[0]}' is inherited, not a literal set`);
      continue;
    }
    const keys = bindingPathKeys(binding);
    if (!keys) continue;
    const shared = commonPrefix(keys, path);
    if (shared < keys.length && keys[shared] === null) dynamicAt.push(shared);
    sharedStatically = Math.max(sharedStatically, shared);

    if (shared === 0) {
      // Not on the path; a sibling with a similar name (ipv4 → ipv6) is still a good neighbour.
      const first = keys[0];
      const similar = first ? commonCharPrefix(first, path[0]) : 0;
      const score = similar / 1000;
      if (similar >= 3 && similar * 2 >= Math.min(first!.length, path[0].length) && score > anchorScore) {
        anchor = binding;
        anchorScore = score;
      }
      continue;
    }
    if (shared === keys.length) {
      if (shared === path.length) return { kind: 'exact', binding };
      const inner = literalAttrsetsOf(binding.childForFieldName('expression')!);
      if (inner.length === 0) return blocked(`'${keys.join('.')}' is not an attribute set literal`);
      for (const set of inner) covered = better(covered, locateInAttrset(set, path.slice(shared), depth + shared));
      continue;
    }
    if (shared === path.length) return blocked(`'${path.join('.')}' is already defined attribute by attribute`);
    if (shared + 1 > anchorScore) {
      anchor = binding;
      anchorScore = shared + 1;
    }
  }

  // A new key is created at every level past what static bindings share; an interpolated
  // key at such a level (`interfaces.${name}`) might evaluate to the same name.
  const firstNewLevel = covered?.kind === 'insert' ? covered.depth - depth : sharedStatically;
  if (covered?.kind !== 'exact' && dynamicAt.some((level) => level >= firstNewLevel)) return blocked('an interpolated attribute name may collide');
  if (covered) return covered;
  return { kind: 'insert', attrset, remainder: path, anchor, depth };
}

/** Locates an option path in a module file (see module-body.ts for the shapes understood). */
export function locateOption(root: Node, path: readonly string[]): PathLocation {
  const body = moduleBodyOf(root);
  if (!body) return blocked('the file is not an attribute set or a module function');
  const full = [...body.prefix, ...path];
  let found: PathLocation | undefined;
  for (const set of body.attrsets) found = better(found, locateInAttrset(set, full));
  return found!;
}

/**
 * Every binding of the module with its option path (through nested literal sets; in a
 * full-form module only those under `config`, without that prefix), for questions like
 * "does the file use settings.main?".
 */
export function* definedPaths(root: Node): Generator<{ readonly path: readonly string[]; readonly node: Node }> {
  const body = moduleBodyOf(root);
  if (!body) return;
  const prefix = body.prefix;
  function* walk(attrset: Node, above: readonly string[]): Generator<{ readonly path: readonly string[]; readonly node: Node }> {
    for (const binding of bindingsOf(attrset)) {
      const defined: { path: string[]; value: Node | null }[] = [];
      if (binding.type !== 'binding') {
        for (const name of inheritedNames(binding)) defined.push({ path: [...above, name], value: null });
      } else {
        const keys = bindingPathKeys(binding);
        if (!keys) continue;
        const stop = keys.indexOf(null);
        defined.push({ path: [...above, ...((stop < 0 ? keys : keys.slice(0, stop)) as string[])], value: stop < 0 ? binding.childForFieldName('expression') : null });
      }
      for (const { path, value } of defined) {
        if (prefix.every((k, i) => path[i] === k)) yield { path: path.slice(prefix.length), node: binding };
        if (value) for (const set of literalAttrsetsOf(value)) yield* walk(set, path);
      }
    }
  }
  for (const set of body.attrsets) yield* walk(set, []);
}

/**
 * Every option path the module defines, and each prefix of it, as JSON keys: one walk
 * answers all `mentionsPath` questions about a file (fixes ask dozens per file).
 */
export function mentionedPaths(root: Node): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const { path } of definedPaths(root)) {
    for (let n = 0; n <= path.length; n++) keys.add(JSON.stringify(path.slice(0, n)));
  }
  return keys;
}

/** Whether some binding defines the option `path` or something inside it (`mentioned`: from mentionedPaths). */
export function mentionsPath(mentioned: ReadonlySet<string>, path: readonly string[]): boolean {
  return mentioned.has(JSON.stringify(path));
}
