/** Setting a Nix attribute path to a value: replace the existing value, or add a binding. */
import type { Node } from 'web-tree-sitter';
import { valueInsidePriority } from './expression-shapes';
import { lineIndentAt, reindent } from './indentation';
import { insertBindingEdit } from './insert-binding';
import { locateOption } from './locate-binding';
import { isAtomicNixSource, type NixDoc, type OffsetEdit } from './nix-document';

/**
 * Replaces the value of a binding with Nix source. A priority wrapper (`lib.mkForce …`)
 * stays and gets the new value as its argument, in parentheses when it needs them.
 */
export function replaceValueEdit(doc: NixDoc, binding: Node, nixValue: string): OffsetEdit | undefined {
  const expr = binding.childForFieldName('expression');
  if (!expr) return undefined;
  return replaceExpressionEdit(doc, valueInsidePriority(expr), nixValue, lineIndentAt(doc.text, binding.startIndex));
}

/** Replaces an expression node with Nix source re-indented to `base`. */
export function replaceExpressionEdit(doc: NixDoc, target: Node, nixValue: string, base: string): OffsetEdit {
  let source = nixValue.trim();
  if (target.parent?.type === 'apply_expression' && !isAtomicNixSource(doc, source)) source = `(${source})`;
  return { start: target.startIndex, end: target.endIndex, text: reindent(source, base, doc.layout) };
}

export function isValidPath(path: readonly string[]): boolean {
  return path.length > 0 && path.every((k) => k.length > 0);
}

/** Edits that make `path` evaluate to `nixValue` in the module, or undefined when no safe edit exists. */
export function setAttrEdits(doc: NixDoc, path: readonly string[], nixValue: string): OffsetEdit[] | undefined {
  if (!isValidPath(path)) return undefined;
  const location = locateOption(doc.root, path);
  if (location.kind === 'exact') {
    const edit = replaceValueEdit(doc, location.binding, nixValue);
    return edit && [edit];
  }
  if (location.kind === 'insert') {
    const edit = insertBindingEdit(doc, location.attrset, location.anchor, location.remainder, nixValue);
    return edit && [edit];
  }
  return undefined;
}
