/**
 * Feeds editor changes to tree-sitter as edits: the tree of the previous text is edited and
 * re-parsed, so the Nix format module finds the new tree in its cache (parse.ts, keyed by path
 * and text) when the engine runs. Per-file facts are then rebuilt from a tree that cost only
 * the changed region.
 */
import type { Edit, Point } from 'web-tree-sitter';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import type { SourceFile } from '../core/source';
import { LineIndex } from '../core/text';
import { initNixParser, parseNixSync } from '../nix/parse';

let ready = false;

/** Loads the grammar in the background; until then the engine parses in full. */
export function warmUpNixParser(log: (m: string) => void): void {
  initNixParser().then(
    () => (ready = true),
    (e: unknown) => log(`Nix grammar failed to load: ${(e as Error).message}`),
  );
}

function endPoint(start: Point, inserted: string): Point {
  const lines = inserted.split(/\r\n|\r|\n/);
  if (lines.length === 1) return { row: start.row, column: start.column + inserted.length };
  return { row: start.row + lines.length - 1, column: lines[lines.length - 1].length };
}

/** The tree-sitter edits for LSP changes applied in order (indices in UTF-16 units, as web-tree-sitter uses). */
export function editsFor(before: string, changes: readonly TextDocumentContentChangeEvent[]): Edit[] | undefined {
  const edits: Edit[] = [];
  let text = before;
  for (const change of changes) {
    if (!('range' in change)) return undefined; // a full replacement: nothing to re-use
    const index = new LineIndex(text);
    const startIndex = index.offset(change.range.start);
    const oldEndIndex = index.offset(change.range.end);
    const startPosition = index.position(startIndex);
    const oldEnd = index.position(oldEndIndex);
    const start: Point = { row: startPosition.line, column: startPosition.character };
    edits.push({
      startIndex,
      oldEndIndex,
      newEndIndex: startIndex + change.text.length,
      startPosition: start,
      oldEndPosition: { row: oldEnd.line, column: oldEnd.character },
      newEndPosition: endPoint(start, change.text),
    } as Edit);
    text = text.slice(0, startIndex) + change.text + text.slice(oldEndIndex);
  }
  return edits;
}

export function reparseIncrementally(prev: SourceFile, next: SourceFile, changes: readonly TextDocumentContentChangeEvent[]): void {
  if (!ready) return;
  const edits = editsFor(prev.text, changes);
  if (!edits || !edits.length) return;
  const old = parseNixSync(prev).tree.copy(); // cached: the previous change parsed it
  for (const e of edits.slice(0, -1)) old.edit(e);
  parseNixSync(next, { tree: old, edit: edits[edits.length - 1] });
  old.delete();
}
