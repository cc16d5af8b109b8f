/** Loads edit-builder fixtures and runs a builder call through the whole proof. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNixEditBuilder, type NixEditBuilder } from '../../../server/src/edits/nix';
import type { FileEdit } from '../../../server/src/core/finding';
import { LineIndex } from '../../../server/src/core/text';
import { FIXTURES } from '../../support/paths';
import { applyAndCheck, nixEvalPath, nixTool, sourceFile, type EditedFile } from './nix-oracle';

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, 'edits-nix', name), 'utf8');
}

let builder: Promise<NixEditBuilder> | undefined;
export function nixEdits(): Promise<NixEditBuilder> {
  builder ??= createNixEditBuilder();
  return builder;
}

export type Build = (b: NixEditBuilder, file: ReturnType<typeof sourceFile>) => FileEdit[] | undefined;

/** Runs `build` on `text`, applies the edits, checks syntax and layout, and (when `path` is given) that Nix evaluates `path` to `expected`. */
export async function editAndProve(text: string, build: Build, path?: readonly string[], expected?: unknown): Promise<EditedFile> {
  const b = await nixEdits();
  const result = await applyAndCheck(text, build(b, sourceFile(text)));
  if (path && !nixTool.skip) assert.deepEqual(nixEvalPath(result.after, path), expected);
  return result;
}

/** The lines of the result an edit touched: from the line where it starts to the end of its new text (one edit expected). */
export function changedRegion(result: EditedFile): string {
  assert.equal(result.edits.length, 1);
  const edit = result.edits[0];
  const start = new LineIndex(result.before).offset(edit.range.start);
  const end = start + edit.newText.length;
  const lineStart = result.after.lastIndexOf('\n', start - 1) + 1;
  const nextBreak = result.after.slice(end).search(/\r?\n/);
  return result.after.slice(lineStart, nextBreak < 0 ? result.after.length : end + nextBreak);
}
