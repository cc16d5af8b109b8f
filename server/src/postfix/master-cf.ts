/**
 * master.cf parser: `service type private unpriv chroot wakeup maxproc command [args]`,
 * logical lines as in main.cf, `{ ... }` grouping (Postfix 3.0), and the `-o` overrides
 * that Postfix honours: command options are read getopt-style, so `-o` after the first
 * non-option argument (e.g. after `argv=` of pipe) is an argument, not an override.
 */
import type { Locator } from '../core/source';
import type { MasterCfProblem, MasterEntry, PostfixParam, PostfixParamSource } from '../model/types';
import { joinSegments, readLogicalLines, skipBlanks, trimEnd, type JoinedLine, type LogicalLine } from './lines';
import { matchedRuns } from './items';
import { listItems } from './main-cf';
import { overlaps, spanAt, templateSpans } from './template';

export const MASTER_TYPES: readonly string[] = ['inet', 'unix', 'unix-dgram', 'fifo', 'pass'];
export const MASTER_FIELD_NAMES = ['service', 'type', 'private', 'unpriv', 'chroot', 'wakeup', 'maxproc', 'command'] as const;

/** Offsets of one `-o` override in the parsed text, for edit builders. */
export interface OverrideSpan {
  readonly param: PostfixParam;
  /** Start of `-o` and end of its argument. */
  readonly start: number;
  readonly end: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Written as `-o { name = value }`. */
  readonly braced: boolean;
}

export interface MasterCfEntry {
  readonly entry: MasterEntry;
  readonly start: number;
  readonly end: number;
  readonly endWithBreak: number;
  /** Start offset of each of the eight fields. */
  readonly fieldStarts: readonly number[];
  readonly overrides: readonly OverrideSpan[];
  /** Where the first argument that is not a command option starts (options must go before it). */
  readonly firstPlainArg?: number;
}

export interface MasterCf {
  readonly entries: readonly MasterCfEntry[];
  readonly problems: readonly MasterCfProblem[];
  readonly templated: boolean;
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

const TEMPLATE_REASON = 'contains a template placeholder; the value is only known once rendered';
const MAIN_CF_LINE = /^[A-Za-z][A-Za-z0-9_]*\s*=/;
const NON_SPACE_RUN = /\S+/g;

export function parseMasterCf(text: string, locate: Locator, source: PostfixParamSource = 'master.cf -o'): MasterCf {
  const { lines, skipped } = readLogicalLines(text);
  const entries: MasterCfEntry[] = [];
  const problems: MasterCfProblem[] = [];
  for (const s of skipped) {
    if (s.kind !== 'orphan-continuation') continue;
    const end = trimEnd(text, s.line.start, s.line.end);
    problems.push({
      kind: 'orphan-continuation',
      message: 'line starts with white space but there is no service entry above it to continue',
      at: locate(skipBlanks(text, s.line.start, end), end),
    });
  }
  for (const line of lines) {
    const parsed = parseEntry(text, line, locate, source, problems);
    if (parsed) entries.push(parsed);
  }
  const templated = skipped.some((s) => s.kind === 'template') || templateSpans(text).length > 0;
  return { entries, problems, templated };
}

function parseEntry(text: string, line: LogicalLine, locate: Locator, source: PostfixParamSource, problems: MasterCfProblem[]): MasterCfEntry | undefined {
  const joined = joinSegments(text, line.segments);
  const at = locate(line.start, line.end);
  const offset = (i: number) => joined.offsetAt(i);
  const endOffset = (i: number) => joined.offsetAt(i - 1) + 1;
  if (MAIN_CF_LINE.test(joined.text)) {
    problems.push({ kind: 'main-cf-line', message: `"${joined.text}" is a main.cf setting, not a master.cf service entry`, at });
    return undefined;
  }
  const tokens = tokenize(joined.text);
  if (tokens.length < 8) {
    problems.push({
      kind: 'too-few-fields',
      message: `a service entry needs 8 fields (service type private unpriv chroot wakeup maxproc command), found ${tokens.length}`,
      at,
    });
    return undefined;
  }
  // Read by index: destructuring runs the array iterator protocol, one result object per field
  // in code not yet optimised (master.cf lines are few per file).
  const type = tokens[1].text;
  if (!MASTER_TYPES.includes(type)) {
    problems.push({
      kind: 'bad-type',
      message: `invalid service type "${type}" (expected one of ${MASTER_TYPES.join(', ')})`,
      at: locate(offset(tokens[1].start), endOffset(tokens[1].end)),
    });
  }
  const args = tokens.slice(8);
  const overrides: OverrideSpan[] = [];
  let firstPlainArg: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i].text;
    if (arg === '--') {
      firstPlainArg = args[i + 1] ? offset(args[i + 1].start) : undefined;
      break;
    }
    if (!arg.startsWith('-') || arg.length < 2) {
      firstPlainArg = offset(args[i].start);
      break;
    }
    // Clustered flags (`-vo name=value`): `o` takes the rest of the token or the next token.
    const o = arg.indexOf('o', 1);
    if (o < 0) continue;
    const option = args[i];
    const value: Token | undefined =
      o + 1 < arg.length ? { text: arg.slice(o + 1), start: option.start + o + 1, end: option.end } : args[++i];
    const span = value && parseOverride(joined, value, option.start, locate, source);
    if (span) overrides.push(span);
    else
      problems.push({
        kind: 'bad-override',
        message: value ? `"-o ${value.text}" is not a name=value override` : '"-o" without a name=value argument',
        at: locate(offset(option.start), endOffset((value ?? option).end)),
      });
  }
  const entry: MasterEntry = {
    service: tokens[0].text,
    type,
    private: tokens[2].text,
    unpriv: tokens[3].text,
    chroot: tokens[4].text,
    wakeup: tokens[5].text,
    maxproc: tokens[6].text,
    command: tokens[7].text,
    args: args.map((a) => a.text),
    overrides: overrides.map((o) => o.param),
    serviceAt: locate(offset(tokens[0].start), endOffset(tokens[0].end)),
    at,
  };
  return {
    entry,
    start: line.start,
    end: line.end,
    endWithBreak: line.endWithBreak,
    fieldStarts: tokens.slice(0, 8).map((t) => offset(t.start)),
    overrides,
    ...(firstPlainArg !== undefined ? { firstPlainArg } : {}),
  };
}

/** White-space separated tokens; `{` ... `}` groups (with nesting) keep white space inside. */
function tokenize(s: string): Token[] {
  const spans = templateSpans(s);
  // Without groups or placeholders (nearly every line) a token is a run of non-white-space.
  if (!spans.length && !s.includes('{')) return matchedRuns(s, NON_SPACE_RUN);
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i++;
      continue;
    }
    const start = i;
    let depth = 0;
    while (i < s.length) {
      const t = spans.length ? spanAt(spans, i) : undefined;
      if (t) {
        i = t.end;
        continue;
      }
      if (s[i] === '{') depth++;
      else if (s[i] === '}' && depth > 0) depth--;
      else if (depth === 0 && /\s/.test(s[i])) break;
      i++;
    }
    tokens.push({ text: s.slice(start, i), start, end: i });
  }
  return tokens;
}

function parseOverride(
  joined: JoinedLine,
  token: Token,
  optStart: number,
  locate: Locator,
  source: PostfixParamSource,
): OverrideSpan | undefined {
  let inner = { start: token.start, end: token.end };
  const braced = token.text.startsWith('{');
  if (braced) {
    const close = matchingBrace(joined.text, token.start);
    inner = { start: token.start + 1, end: close < 0 ? token.end : close };
  }
  const text = joined.text;
  const eq = text.indexOf('=', inner.start);
  if (eq < 0 || eq >= inner.end) return undefined;
  let nameStart = inner.start;
  let nameEnd = eq;
  while (nameStart < nameEnd && /\s/.test(text[nameStart])) nameStart++;
  while (nameEnd > nameStart && /\s/.test(text[nameEnd - 1])) nameEnd--;
  const name = text.slice(nameStart, nameEnd);
  if (!name || /\s/.test(name)) return undefined;
  let valueStart = eq + 1;
  let valueEnd = inner.end;
  if (braced) {
    while (valueStart < valueEnd && /\s/.test(text[valueStart])) valueStart++;
    while (valueEnd > valueStart && /\s/.test(text[valueEnd - 1])) valueEnd--;
  }
  const value = text.slice(valueStart, valueEnd);
  const off = (i: number) => joined.offsetAt(i);
  const end = (i: number) => (i > 0 ? joined.offsetAt(i - 1) + 1 : joined.offsetAt(0));
  const spans = templateSpans(value);
  const templated = spans.length > 0 || overlaps(templateSpans(text), nameStart, nameEnd);
  const param: PostfixParam = {
    name,
    value: templated ? null : value,
    ...(templated ? { unknownReason: TEMPLATE_REASON } : {}),
    source,
    nameAt: locate(off(nameStart), end(nameEnd)),
    valueAt: valueEnd > valueStart ? locate(off(valueStart), end(valueEnd)) : locate(end(valueStart), end(valueStart)),
    entryAt: locate(off(optStart), end(token.end)),
    items: listItems(value, spans, (i) => off(valueStart + i), locate),
  };
  return {
    param,
    start: off(optStart),
    end: end(token.end),
    valueStart: valueEnd > valueStart ? off(valueStart) : end(valueStart),
    valueEnd: end(valueEnd),
    braced,
  };
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
