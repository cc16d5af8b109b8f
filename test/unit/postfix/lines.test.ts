import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinSegments, readLogicalLines, type Segment } from '../../../server/src/postfix/lines';

/** The joined text and per-character offsets, one character at a time (the definition). */
function reference(text: string, segments: readonly Segment[], from?: number): { text: string; offsets: number[] } {
  let out = '';
  const offsets: number[] = [];
  segments.forEach((seg, i) => {
    const start = i === 0 && from !== undefined ? from : seg.start;
    if (i > 0) {
      out += ' ';
      offsets.push(segments[i - 1].end);
    }
    for (let o = start; o < seg.end; o++) {
      out += text[o];
      offsets.push(o);
    }
  });
  offsets.push(segments.length ? segments[segments.length - 1].end : 0);
  return { text: out, offsets };
}

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('joinSegments', () => {
  test('text and every offset equal the character-by-character definition', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = random(seed);
      const pick = (s: string) => s[Math.floor(rnd() * s.length)];
      let text = '';
      for (let n = Math.floor(rnd() * 120); n > 0; n--) text += pick('ab = ,{}\t\n\r#x');
      const lines = readLogicalLines(text).lines;
      // Real logical lines, and arbitrary pieces (empty ones and a `from` past a piece's end too).
      const shapes: { segments: Segment[]; from?: number }[] = lines.map((l) => ({ segments: [...l.segments] }));
      const arbitrary: Segment[] = [];
      for (let k = Math.floor(rnd() * 4), at = 0; k > 0; k--) {
        const start = Math.min(text.length, at + Math.floor(rnd() * 10));
        const end = Math.min(text.length, start + Math.floor(rnd() * 12));
        arbitrary.push({ start, end });
        at = end;
      }
      shapes.push({ segments: arbitrary });
      if (arbitrary.length) shapes.push({ segments: arbitrary, from: arbitrary[0].start + Math.floor(rnd() * 14) });
      for (const { segments, from } of shapes) {
        const want = reference(text, segments, from);
        const got = joinSegments(text, segments, from);
        const what = `seed ${seed}: ${JSON.stringify({ text, segments, from })}`;
        assert.equal(got.text, want.text, what);
        assert.deepEqual(Array.from({ length: want.offsets.length }, (_, i) => got.offsetAt(i)), want.offsets, what);
      }
    }
  });
});
