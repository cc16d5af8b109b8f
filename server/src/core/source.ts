import type { FileKind } from './files';
import { LineIndex } from './text';

/** One file's text as the engine sees it (from disk, or an editor buffer with its version). */
export interface SourceFile {
  /** Absolute path with `/` separators. */
  readonly path: string;
  readonly kind: FileKind;
  readonly text: string;
  /** Editor document version, when the text comes from an open editor. */
  readonly version?: number;
}

const indexes = new WeakMap<SourceFile, LineIndex>();

/** The line index of a source file, built once per SourceFile object. */
export function lineIndexOf(file: SourceFile): LineIndex {
  let index = indexes.get(file);
  if (!index) {
    index = new LineIndex(file.text);
    indexes.set(file, index);
  }
  return index;
}

/** Maps offsets of a text to file Locations. Parsers of embedded text (Postfix lines inside a
 * Nix string) receive one that maps back into the enclosing file. */
export type Locator = (start: number, end: number) => import('./text').Location;

export function locatorFor(file: SourceFile): Locator {
  const index = lineIndexOf(file);
  return (start, end) => ({ file: file.path, range: index.range(start, end) });
}
