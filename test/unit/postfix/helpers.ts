import type { FileEdit } from '../../../server/src/core/finding';
import type { Locator, SourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import type { PostfixInstance } from '../../../server/src/model/types';
import { analyzePostfixFiles } from '../../../server/src/postfix/instances';

export function locatorOf(text: string, file = '/srv/postfix/main.cf'): Locator {
  const index = new LineIndex(text);
  return (s, e) => ({ file, range: index.range(s, e) });
}

/** Applies edits (all to the same text) from last to first. */
export function applyEdits(text: string, edits: readonly FileEdit[]): string {
  const index = new LineIndex(text);
  const spans = edits.map((e) => ({ start: index.offset(e.range.start), end: index.offset(e.range.end), text: e.newText }));
  spans.sort((a, b) => b.start - a.start);
  for (const s of spans) text = text.slice(0, s.start) + s.text + text.slice(s.end);
  return text;
}

/** A standalone instance from main.cf (and master.cf) text. */
export function instanceOf(main: string | undefined, master?: string): PostfixInstance {
  const files: SourceFile[] = [];
  if (main !== undefined) files.push({ path: '/srv/postfix/main.cf', kind: 'postfix-main', text: main });
  if (master !== undefined) files.push({ path: '/srv/postfix/master.cf', kind: 'postfix-master', text: master });
  return analyzePostfixFiles(files).instances[0];
}

/** The text a Location covers. */
export function textAt(text: string, at: { range: FileEdit['range'] }): string {
  const index = new LineIndex(text);
  return text.slice(index.offset(at.range.start), index.offset(at.range.end));
}
