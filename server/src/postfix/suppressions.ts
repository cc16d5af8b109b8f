/**
 * `# infra-review: ignore RULE-ID[, RULE-ID]` in main.cf / master.cf. Postfix comments are
 * whole lines only, so the comment covers the next line that is not a comment, and every
 * physical line of the logical line (main.cf parameter with its continuations, master.cf
 * entry with its `-o` lines) that line belongs to, since findings may point at any of them.
 */
import { LineIndex } from '../core/text';
import { readLogicalLines } from './lines';

const IGNORE = /^\s*#\s*infra-review:\s*ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/;

export function postfixSuppressions(text: string): { rule: string; line: number }[] {
  if (!text.includes('infra-review')) return [];
  const index = new LineIndex(text);
  const logical = readLogicalLines(text).lines.map((l) => ({ first: index.position(l.start).line, last: index.position(l.end).line }));
  const lineStarts = (l: number) => index.lineText(l);
  const out: { rule: string; line: number }[] = [];
  for (let line = 0; line < index.lineCount; line++) {
    const m = IGNORE.exec(lineStarts(line));
    if (!m) continue;
    const rules = m[1].split(',').map((r) => r.trim()).filter(Boolean);
    // The first logical line that has a physical line after the comment.
    const target = logical.find((l) => l.last > line);
    const covered = new Set<number>([line]);
    if (target) for (let l = Math.max(target.first, line + 1); l <= target.last; l++) covered.add(l);
    if (target && target.first < line) covered.add(target.first);
    for (const rule of rules) for (const l of [...covered].sort((a, b) => a - b)) out.push({ rule, line: l });
  }
  return out;
}
