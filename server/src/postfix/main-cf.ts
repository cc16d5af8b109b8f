/**
 * main.cf parser. Works on a whole file or on main.cf text embedded elsewhere (a Nix
 * `extraConfig` string): every Location comes from the caller's Locator.
 */
import type { Locator } from '../core/source';
import type { PostfixListItem, PostfixParam, PostfixParamSource, SyntaxProblem } from '../model/types';
import { splitItems } from './items';
import { joinSegments, readLogicalLines, skipBlanks, trimEnd, type LogicalLine } from './lines';
import { overlaps, templateSpans, type Span } from './template';

export interface MainCfEntry {
  readonly param: PostfixParam;
  /** The value as Postfix reads it (pieces joined by one space), templates left in place. */
  readonly raw: string;
  readonly templated: boolean;
  /** Offsets in the parsed text, for edit builders. */
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Start of the line and end of the last continuation line's content. */
  readonly start: number;
  readonly end: number;
  /** Just past the last physical line's break. */
  readonly endWithBreak: number;
}

export interface MainCf {
  /** Every definition, in file order. */
  readonly entries: readonly MainCfEntry[];
  /** The effective definitions: the last one of each name, in file order. */
  readonly params: readonly PostfixParam[];
  /** Names defined more than once, with all their definitions (the last one wins). */
  readonly duplicates: ReadonlyMap<string, readonly MainCfEntry[]>;
  readonly problems: readonly SyntaxProblem[];
  /** Template placeholders or directives anywhere in the text. */
  readonly templated: boolean;
}

const TEMPLATE_REASON = 'contains a template placeholder; the value is only known once rendered';

export function parseMainCf(text: string, locate: Locator, source: PostfixParamSource = 'main.cf'): MainCf {
  const { lines, skipped } = readLogicalLines(text);
  const entries: MainCfEntry[] = [];
  const problems: SyntaxProblem[] = [];
  let templated = skipped.some((s) => s.kind === 'template');
  for (const s of skipped) {
    if (s.kind === 'orphan-continuation') {
      const end = trimEnd(text, s.line.start, s.line.end);
      problems.push({
        message: `line starts with white space but continues no parameter: "${text.slice(s.line.start, end).trim()}"`,
        at: locate(skipBlanks(text, s.line.start, end), end),
      });
    }
  }
  for (const line of lines) {
    const result = parseEntry(text, line, locate, source);
    if ('problem' in result) problems.push(result.problem);
    else if ('templateName' in result) templated = true;
    else {
      entries.push(result);
      if (result.templated) templated = true;
    }
  }
  return { entries, params: effective(entries), duplicates: duplicatesOf(entries), problems, templated };
}

type EntryResult = MainCfEntry | { problem: SyntaxProblem } | { templateName: true };

function parseEntry(text: string, line: LogicalLine, locate: Locator, source: PostfixParamSource): EntryResult {
  const joined = joinSegments(text, line.segments);
  const spans = templateSpans(joined.text);
  const eq = joined.text.indexOf('=');
  const at = locate(line.start, line.end);
  const nameText = joined.text.slice(0, eq < 0 ? joined.text.length : eq);
  if (overlaps(spans, 0, eq < 0 ? joined.text.length : eq)) return { templateName: true };
  const name = nameText.trim();
  if (eq < 0 || /\s/.test(name)) {
    return { problem: { message: `missing '=' after parameter name: "${joined.text}"`, at } };
  }
  if (!name) return { problem: { message: `missing parameter name before '=': "${joined.text}"`, at } };

  const nameStart = joined.offsetAt(nameText.indexOf(name));
  const nameEnd = joined.offsetAt(nameText.indexOf(name) + name.length - 1) + 1;
  let v = eq + 1;
  while (v < joined.text.length && /\s/.test(joined.text[v])) v++;
  const raw = joined.text.slice(v);
  const valueStart = v < joined.text.length ? joined.offsetAt(v) : line.end;
  const valueEnd = line.end;
  const valueSpans = spans.filter((s) => s.start >= v).map((s) => ({ start: s.start - v, end: s.end - v }));
  const isTemplated = valueSpans.length > 0 || line.spansTemplateDirective;
  const items = listItems(raw, valueSpans, (i) => joined.offsetAt(v + i), locate);
  const param: PostfixParam = {
    name,
    value: isTemplated ? null : raw,
    ...(isTemplated ? { unknownReason: TEMPLATE_REASON } : {}),
    source,
    nameAt: locate(nameStart, nameEnd),
    valueAt: locate(valueStart, valueEnd),
    entryAt: at,
    items,
  };
  return {
    param,
    raw,
    templated: isTemplated,
    nameStart,
    nameEnd,
    valueStart,
    valueEnd,
    start: line.start,
    end: line.end,
    endWithBreak: line.endWithBreak,
  };
}

/**
 * List items with exact ranges. Items touching a template placeholder are left out: what
 * they render to is unknown, so no rule may judge them.
 */
export function listItems(value: string, templates: readonly Span[], offsetOf: (i: number) => number, locate: Locator): PostfixListItem[] {
  return splitItems(value, templates)
    .filter((item) => !overlaps(templates, item.start, item.end))
    .map((item) => ({ text: item.text, at: locate(offsetOf(item.start), offsetOf(item.end - 1) + 1) }));
}

function effective(entries: readonly MainCfEntry[]): PostfixParam[] {
  const last = new Map<string, MainCfEntry>();
  for (const e of entries) last.set(e.param.name, e);
  return entries.filter((e) => last.get(e.param.name) === e).map((e) => e.param);
}

function duplicatesOf(entries: readonly MainCfEntry[]): Map<string, MainCfEntry[]> {
  const byName = new Map<string, MainCfEntry[]>();
  for (const e of entries) byName.set(e.param.name, [...(byName.get(e.param.name) ?? []), e]);
  for (const [name, list] of byName) if (list.length < 2) byName.delete(name);
  return byName;
}

/** The last definition of a name (the one Postfix uses). */
export function lastDefinition(mainCf: MainCf, name: string): MainCfEntry | undefined {
  for (let i = mainCf.entries.length - 1; i >= 0; i--) if (mainCf.entries[i].param.name === name) return mainCf.entries[i];
  return undefined;
}
