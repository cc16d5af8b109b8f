/**
 * Postfix's logical lines (readllines(3) as main.cf and master.cf use it): a line that
 * starts with white space continues the previous one; blank lines and lines whose first
 * non-blank character is `#` are skipped *without* ending the logical line; `#` anywhere
 * else is text. Offsets refer to the whole text, so callers can map them with a Locator.
 */
import { isTemplateOnlyLine } from './template';

/** One physical line's contribution: trailing white space (and CR) trimmed; continuation
 * lines also lose their leading white space. */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

export interface LogicalLine {
  readonly segments: readonly Segment[];
  /** Offset of the start of the first physical line and end of the last segment. */
  readonly start: number;
  readonly end: number;
  /** Offset just past the line break of the last physical line (or end of text). */
  readonly endWithBreak: number;
  /** A template directive line (`{% if %}`) sat between its physical lines. */
  readonly spansTemplateDirective: boolean;
}

export interface PhysicalLine {
  readonly start: number;
  /** End of content, before CR/LF. */
  readonly end: number;
  /** Just past the line break. */
  readonly next: number;
}

export type SkippedLine =
  | { readonly kind: 'comment'; readonly line: PhysicalLine }
  | { readonly kind: 'template'; readonly line: PhysicalLine }
  | { readonly kind: 'orphan-continuation'; readonly line: PhysicalLine };

export interface ReadResult {
  readonly lines: readonly LogicalLine[];
  readonly skipped: readonly SkippedLine[];
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12 || c === 10;

export function physicalLines(text: string): PhysicalLine[] {
  const out: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    let nl = text.indexOf('\n', start);
    if (nl < 0) nl = text.length;
    const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    out.push({ start, end, next: Math.min(nl + 1, text.length) });
    start = nl + 1;
  }
  return out;
}

export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

export function skipBlanks(text: string, start: number, end: number): number {
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  return start;
}

export function readLogicalLines(text: string): ReadResult {
  const lines: LogicalLine[] = [];
  const skipped: SkippedLine[] = [];
  let current: { segments: Segment[]; start: number; endWithBreak: number; directive: boolean; pending: boolean } | undefined;
  const flush = () => {
    if (!current) return;
    const last = current.segments[current.segments.length - 1];
    lines.push({
      segments: current.segments,
      start: current.start,
      end: last.end,
      endWithBreak: current.endWithBreak,
      spansTemplateDirective: current.directive,
    });
    current = undefined;
  };
  for (const line of physicalLines(text)) {
    const first = skipBlanks(text, line.start, line.end);
    const end = trimEnd(text, line.start, line.end);
    if (first >= end) continue;
    if (text[first] === '#') {
      skipped.push({ kind: 'comment', line });
      continue;
    }
    if (isTemplateOnlyLine(text.slice(first, end))) {
      skipped.push({ kind: 'template', line });
      if (current) current.pending = true;
      continue;
    }
    if (first > line.start) {
      if (!current) {
        skipped.push({ kind: 'orphan-continuation', line });
        continue;
      }
      current.segments.push({ start: first, end });
      current.endWithBreak = line.next;
      if (current.pending) current.directive = true;
      continue;
    }
    flush();
    current = { segments: [{ start: first, end }], start: line.start, endWithBreak: line.next, directive: false, pending: false };
  }
  flush();
  return { lines, skipped };
}

/** A logical line's text, its physical pieces joined by one space. */
export interface JoinedLine {
  readonly text: string;
  /**
   * The offset in the whole text of character `i` (0 <= i <= text.length): a joining space
   * maps to the end of the piece before it, `text.length` to the end of the last piece.
   */
  offsetAt(i: number): number;
}

class JoinedSegments implements JoinedLine {
  constructor(
    readonly text: string,
    private readonly segments: readonly Segment[],
    private readonly firstStart: number,
  ) {}

  offsetAt(i: number): number {
    const segments = this.segments;
    let pos = 0;
    for (let k = 0; k < segments.length; k++) {
      const start = k === 0 ? this.firstStart : segments[k].start;
      const length = Math.max(0, segments[k].end - start);
      if (i < pos + length) return start + (i - pos);
      pos += length;
      if (k + 1 < segments.length) {
        if (i === pos) return segments[k].end;
        pos++;
      }
    }
    return segments.length ? segments[segments.length - 1].end : 0;
  }
}

/**
 * The logical line's text with its physical pieces joined by one space, and the offset every
 * character came from (computed when asked: callers map a few offsets, not every character).
 */
export function joinSegments(text: string, segments: readonly Segment[], from?: number): JoinedLine {
  const firstStart = from ?? segments[0]?.start ?? 0;
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const start = i === 0 ? firstStart : segments[i].start;
    if (i > 0) out += ' ';
    if (start < segments[i].end) out += text.slice(start, segments[i].end);
  }
  return new JoinedSegments(out, segments, firstStart);
}
