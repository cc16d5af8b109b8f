/**
 * String values with their source map: concatenation, slicing, and locating a range of the
 * value in the file (the Locator handed to the Postfix text parsers).
 */
import type { Hole, Span, StrPiece, Of } from './values';
import { strValue } from './values';

export function concatStrings(parts: readonly Of<'str'>[], at: Span): Of<'str'> {
  const pieces: StrPiece[] = [];
  const holes: Hole[] = [];
  const via: Span[] = [];
  let s = '';
  for (const p of parts) {
    for (const piece of p.pieces) pieces.push({ ...piece, from: piece.from + s.length });
    for (const h of p.holes ?? []) holes.push({ ...h, from: h.from + s.length });
    if (p.via) via.push(...p.via);
    s += p.s;
  }
  return strValue(s, mergeAdjacent(pieces), at, via, holes);
}

/** The value characters [start, end) as a new string value with the matching pieces. */
export function sliceString(v: Of<'str'>, start: number, end: number): Of<'str'> {
  const pieces: StrPiece[] = [];
  for (const p of v.pieces) {
    const a = Math.max(start, p.from);
    const b = Math.min(end, p.from + p.len);
    if (a >= b) continue;
    pieces.push(
      p.exact
        ? { ...p, from: a - start, len: b - a, src: p.src + (a - p.from), srcEnd: p.src + (b - p.from) }
        : { ...p, from: a - start, len: b - a },
    );
  }
  const holes: Hole[] = [];
  for (const h of v.holes ?? []) {
    const a = Math.max(start, h.from);
    const b = Math.min(end, h.from + h.len);
    if (a < b || (h.len === 0 && h.from >= start && h.from <= end)) holes.push({ ...h, from: a - start, len: Math.max(0, b - a) });
  }
  return strValue(v.s.slice(start, end), pieces, v.at, v.via, holes);
}

function mergeAdjacent(pieces: StrPiece[]): StrPiece[] {
  const out: StrPiece[] = [];
  for (const p of pieces) {
    const last = out[out.length - 1];
    if (last && last.exact && p.exact && last.file === p.file && last.srcEnd === p.src && last.from + last.len === p.from) {
      out[out.length - 1] = { ...last, len: last.len + p.len, srcEnd: p.srcEnd };
    } else out.push(p);
  }
  return out;
}

/**
 * The source span of value characters [start, end). When both ends lie in pieces of the same
 * file the span is exact; otherwise (text from another file, or nothing known) the whole
 * string's span.
 */
export function locateInString(v: Of<'str'>, start: number, end: number): Span {
  if (!v.pieces.length) return v.at;
  const first = pieceAt(v.pieces, start);
  const last = end > start ? pieceAt(v.pieces, end - 1) : first;
  if (!first || !last) return v.at;
  // Inside one source (a literal, or one interpolated value): exact there.
  const sameOuter = first.outer?.start === last.outer?.start && first.outer?.file === last.outer?.file;
  if (sameOuter && first.file === last.file) {
    const s = first.exact ? first.src + Math.max(0, start - first.from) : first.src;
    const e = end > start ? (last.exact ? last.src + (end - 1 - last.from) + 1 : last.srcEnd) : s;
    if (e >= s) return { file: first.file, start: s, end: e };
  }
  // Across an interpolation: the range of the literal that covers it (what a fix edits).
  const s = first.outer ? first.outer : { file: first.file, start: first.exact ? first.src + Math.max(0, start - first.from) : first.src, end: 0 };
  const e = last.outer ? last.outer : { file: last.file, start: 0, end: last.exact ? last.src + (end - 1 - last.from) + 1 : last.srcEnd };
  if (s.file !== e.file || e.end < s.start) return v.at;
  return { file: s.file, start: s.start, end: e.end };
}

function pieceAt(pieces: readonly StrPiece[], offset: number): StrPiece | undefined {
  let lo = 0;
  let hi = pieces.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = pieces[mid];
    if (offset < p.from) hi = mid - 1;
    else if (offset >= p.from + p.len) lo = mid + 1;
    else return p;
  }
  // Offsets past the end (an empty tail) map to the end of the last piece.
  const last = pieces[pieces.length - 1];
  if (offset >= last.from + last.len) return last;
  return undefined;
}

/** Whether every character of the value was written literally in one file (no interpolation). */
export function isLiteralString(v: Of<'str'>): boolean {
  return !v.via?.length && v.pieces.every((p) => p.file === v.at.file);
}

/** The first hole overlapping value characters [start, end), if any. */
export function holeIn(v: Of<'str'>, start = 0, end = v.s.length): Hole | undefined {
  return v.holes?.find((h) => h.from < end && h.from + h.len > start) ?? v.holes?.find((h) => h.len === 0 && h.from >= start && h.from <= end);
}
