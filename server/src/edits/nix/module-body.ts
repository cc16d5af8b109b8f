/**
 * Finds where a file's option definitions live: the module's top-level attribute set(s),
 * through `{ config, lib, ... }:`, `let … in`, `with …;`, `lib.mkIf`, `lib.mkMerge [ … ]`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { attrPathKeys, bindingPathKeys, bindingSetOf } from '../../nix/syntax';
import { literalAttrsetsOf } from './expression-shapes';

export interface ModuleBody {
  /** The attribute set literals that define the module's options, in source order. */
  readonly attrsets: readonly Node[];
  /**
   * Prefix every option path gets: `['config']` for a module written in full form
   * (`{ options = …; config = …; }`), where definitions must go under `config`.
   */
  readonly prefix: readonly string[];
}

/**
 * Bindings by attribute set node. A module's top-level sets are the same node objects for
 * every fix in the file (moduleBodyOf keeps them per tree): the full-form test and each
 * fix's path lookup read their bindings, each read several round trips into wasm.
 */
const bindingsByNode = new WeakMap<Node, readonly Node[]>();

/** The bindings (`binding`, `inherit`, `inherit_from`) of an attribute set literal (read-only: shared). */
export function bindingsOf(attrset: Node): readonly Node[] {
  let bindings = bindingsByNode.get(attrset);
  if (!bindings) bindingsByNode.set(attrset, (bindings = readBindings(attrset)));
  return bindings;
}

function readBindings(attrset: Node): Node[] {
  const set = bindingSetOf(attrset);
  if (!set) return [];
  // A node's type is a call into wasm: read once per child.
  return set.namedChildren.filter((c) => {
    const type = c.type;
    return type === 'binding' || type === 'inherit' || type === 'inherit_from';
  });
}

/** Names an `inherit` / `inherit (x)` defines. */
export function inheritedNames(node: Node): string[] {
  const attrs = node.childForFieldName('attrs');
  if (!attrs) return [];
  return attrPathKeys(attrs).filter((k): k is string => k !== null);
}

/**
 * The first attribute name a binding defines (`networking` for `networking.hostName = …`).
 * Read from the text where `bindingPathKeys` can (nearly every binding of an error-free
 * file): reading the attrpath's nodes takes several round trips into wasm per key, and every
 * file a fix edits has all its top-level bindings read here.
 */
function firstKeys(binding: Node): (string | null)[] {
  if (binding.type !== 'binding') return inheritedNames(binding);
  const keys = bindingPathKeys(binding);
  if (keys) return [keys[0] ?? null];
  const path = binding.childForFieldName('attrpath');
  return path ? [attrPathKeys(path)[0] ?? null] : [];
}

/**
 * Bodies by tree: a fix locates several options in one tree (the edit builder reuses a
 * file's tree for consecutive fixes). Holds nodes only as long as the tree object lives.
 */
const bodies = new WeakMap<Tree, ModuleBody | null>();

/** The module body of a file (`root`: the tree's `source_code` node). */
export function moduleBodyOf(root: Node): ModuleBody | null {
  if (root.type !== 'source_code') return findModuleBody(root);
  let body = bodies.get(root.tree);
  if (body === undefined) bodies.set(root.tree, (body = findModuleBody(root)));
  return body;
}

function findModuleBody(root: Node): ModuleBody | null {
  const expr = root.childForFieldName('expression');
  if (!expr) return null;
  const attrsets = literalAttrsetsOf(expr, { throughFunction: true });
  if (attrsets.length === 0) return null;
  const fullForm = attrsets.some((set) => bindingsOf(set).some((b) => firstKeys(b).some((k) => k === 'config' || k === 'options')));
  return { attrsets, prefix: fullForm ? ['config'] : [] };
}
