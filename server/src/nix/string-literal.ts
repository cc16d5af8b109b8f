/**
 * Builds string values from `"..."` and `''...''` literals with an exact source map:
 * escapes, interpolations, and the indentation stripping of indented strings (Nix removes
 * the smallest indentation of the non-blank lines, a first line that is blank, and the
 * spaces of a last line before the closing quote).
 */
import type { Node } from 'web-tree-sitter';
import type { Hole, NixValue, Of, Span, StrPiece } from './values';
import { strValue } from './values';
import { toStringValue } from './lib';

/** One character (or an interpolated value) of a literal before indentation is stripped. */
interface Unit {
  /** 'lit' = a character written as itself; 'esc' = from an escape; 'val' = interpolated text. */
  readonly kind: 'lit' | 'esc' | 'val';
  readonly text: string;
  readonly src: number;
  readonly srcEnd: number;
  readonly value?: Of<'str'>;
  readonly hole?: string;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

export function buildString(node: Node, file: string, evalExpr: (e: Node) => NixValue): Of<'str'> {
  const indented = node.type === 'indented_string_expression';
  const at: Span = { file, start: node.startIndex, end: node.endIndex };
  const units: Unit[] = [];
  const via: Span[] = [];
  for (const c of node.namedChildren) {
    if (!c) continue;
    switch (c.type) {
      case 'string_fragment': {
        // Runs of characters written as themselves, not one unit per character (assemble
        // merges adjacent ones into the same piece either way). Indentation stripping looks at
        // spaces and newlines one by one, so in indented strings those stay single units.
        const t = c.text;
        const base = c.startIndex;
        let i = 0;
        while (i < t.length) {
          let j = i + 1;
          if (indented && (t[i] === ' ' || t[i] === '\n')) j = i + 1;
          else if (indented) while (j < t.length && t[j] !== ' ' && t[j] !== '\n') j++;
          else j = t.length;
          units.push({ kind: 'lit', text: t.slice(i, j), src: base + i, srcEnd: base + j });
          i = j;
        }
        break;
      }
      case 'escape_sequence': {
        const t = c.text;
        let out: string;
        if (indented) {
          // `'''` is two quotes; `''\n` `''\t` `''\r` escapes; `''\x` is x.
          if (t === "'''") out = "''";
          else {
            const ch = t.slice(3);
            out = SIMPLE_ESCAPES[ch] ?? ch;
          }
        } else {
          const ch = t.slice(1);
          out = SIMPLE_ESCAPES[ch] ?? ch;
        }
        units.push({ kind: 'esc', text: out, src: c.startIndex, srcEnd: c.endIndex });
        break;
      }
      case 'dollar_escape':
        // `''$` : the `$` follows as its own fragment.
        break;
      case 'interpolation': {
        const e = c.childForFieldName('expression');
        const v = e ? evalExpr(e) : undefined;
        const span: Span = { file, start: c.startIndex, end: c.endIndex };
        const s = v ? toStringValue(v, span, true) : undefined;
        if (s && s.k === 'str') {
          units.push({ kind: 'val', text: s.s, src: c.startIndex, srcEnd: c.endIndex, value: s });
          via.push(s.at);
        } else {
          const reason = s && s.k === 'unknown' ? s.reason : 'empty interpolation';
          units.push({ kind: 'val', text: c.text, src: c.startIndex, srcEnd: c.endIndex, hole: reason });
        }
        break;
      }
      default:
        break;
    }
  }
  const kept = indented ? stripIndentation(units) : units;
  return assemble(kept, file, at, via);
}

function stripIndentation(units: Unit[]): Unit[] {
  // Split into lines of units (newline units end a line).
  const lines: Unit[][] = [[]];
  for (const u of units) {
    lines[lines.length - 1].push(u);
    if (u.kind === 'lit' && u.text === '\n') lines.push([]);
  }
  let minIndent = Infinity;
  for (const line of lines) {
    let n = 0;
    while (n < line.length && line[n].kind === 'lit' && line[n].text === ' ') n++;
    const rest = line[n];
    if (!rest || (rest.kind === 'lit' && rest.text === '\n')) continue;
    minIndent = Math.min(minIndent, n);
  }
  if (minIndent === Infinity) minIndent = 0;
  const stripped = lines.map((line) => {
    let n = 0;
    while (n < minIndent && n < line.length && line[n].kind === 'lit' && line[n].text === ' ') n++;
    return line.slice(n);
  });
  // A first line holding only spaces is dropped with its newline.
  const first = stripped[0];
  if (stripped.length > 1 && first.every((u) => u.kind === 'lit' && (u.text === ' ' || u.text === '\n'))) stripped[0] = [];
  // The spaces before the closing `''` on the last line are dropped.
  const last = stripped[stripped.length - 1];
  if (last.every((u) => u.kind === 'lit' && u.text === ' ')) stripped[stripped.length - 1] = [];
  return stripped.flat();
}

function assemble(units: Unit[], file: string, at: Span, via: Span[]): Of<'str'> {
  const pieces: StrPiece[] = [];
  const holes: Hole[] = [];
  let s = '';
  for (const u of units) {
    const from = s.length;
    if (u.value) {
      const outer: Span = { file, start: u.src, end: u.srcEnd };
      // Not `{ ...p, outer }`: a spread object that gains a property gets a hidden class of its own.
      for (const p of u.value.pieces) pieces.push({ from: from + p.from, len: p.len, file: p.file, src: p.src, srcEnd: p.srcEnd, exact: p.exact, outer });
      for (const h of u.value.holes ?? []) holes.push({ ...h, from: from + h.from });
    } else if (u.text.length) {
      const last = pieces[pieces.length - 1];
      // Characters written as themselves (and the source text left in a hole) map one to one.
      const exact = (u.kind === 'lit' || u.hole !== undefined) && u.text.length === u.srcEnd - u.src;
      if (exact && last && last.exact && !last.outer && last.file === file && last.srcEnd === u.src && last.from + last.len === from) {
        pieces[pieces.length - 1] = { ...last, len: last.len + u.text.length, srcEnd: u.srcEnd };
      } else pieces.push({ from, len: u.text.length, file, src: u.src, srcEnd: u.srcEnd, exact });
    }
    if (u.hole !== undefined) holes.push({ from, len: u.text.length, reason: u.hole });
    s += u.text;
  }
  return strValue(s, pieces, at, via, holes);
}
