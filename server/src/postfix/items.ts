/**
 * Splitting a Postfix list value into items: separators are white space and commas, except
 * inside `{ ... }` (Postfix 3.0 grouping, `${name?{...}}`) and inside template placeholders.
 */
import { spanAt, type Span } from './template';

export interface RawItem {
  readonly text: string;
  /** Offsets within the string that was split. */
  readonly start: number;
  readonly end: number;
}

const isSeparator = (c: string) => c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** An item where there are no groups or placeholders: a run of non-separators. */
const PLAIN_ITEM = /[^, \t\r\n]+/g;

/**
 * Every match of a global regex that matches no empty text, as a piece of `text` with its
 * offsets (found in native code). An `exec` loop, not `matchAll`: that clones the regex and
 * makes an iterator per call (about five times slower for the short values of a fleet).
 */
export function matchedRuns(text: string, run: RegExp): RawItem[] {
  const items: RawItem[] = [];
  run.lastIndex = 0;
  for (let m = run.exec(text); m; m = run.exec(text)) items.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  return items;
}

export function splitItems(value: string, templates: readonly Span[] = []): RawItem[] {
  // Nearly every value has neither: the regex finds the same items in native code.
  if (!templates.length && !value.includes('{')) return matchedRuns(value, PLAIN_ITEM);
  const items: RawItem[] = [];
  let i = 0;
  while (i < value.length) {
    if (isSeparator(value[i])) {
      i++;
      continue;
    }
    const start = i;
    let depth = 0;
    while (i < value.length) {
      const inTemplate = templates.length ? spanAt(templates, i) : undefined;
      if (inTemplate) {
        i = inTemplate.end;
        continue;
      }
      const c = value[i];
      if (c === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      else if (depth === 0 && isSeparator(c)) break;
      i++;
    }
    items.push({ text: value.slice(start, i), start, end: i });
  }
  return items;
}
