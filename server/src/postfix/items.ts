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

export function splitItems(value: string, templates: readonly Span[] = []): RawItem[] {
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
