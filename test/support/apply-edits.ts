/** Applies FileEdits the way an editor does: per file, from the last edit to the first. */
import type { FileEdit } from '../../server/src/core/finding';
import { LineIndex } from '../../server/src/core/text';

export function applyEdits(text: string, edits: readonly Pick<FileEdit, 'range' | 'newText'>[]): string {
  const index = new LineIndex(text);
  const withOffsets = edits.map((e) => ({ start: index.offset(e.range.start), end: index.offset(e.range.end), newText: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  for (let i = 1; i < withOffsets.length; i++) {
    if (withOffsets[i].end > withOffsets[i - 1].start) throw new Error('overlapping edits');
  }
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Applies edits to several files; returns the new texts of the files that changed. */
export function applyFileEdits(files: ReadonlyMap<string, string>, edits: readonly FileEdit[]): Map<string, string> {
  const byFile = new Map<string, FileEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), e]);
  const out = new Map<string, string>();
  for (const [file, list] of byFile) {
    const text = files.get(file);
    if (text === undefined) throw new Error(`edit for unknown file ${file}`);
    out.set(file, applyEdits(text, list));
  }
  return out;
}
