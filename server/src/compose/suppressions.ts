/**
 * `# infra-review: ignore RULE-ID[, RULE-ID]` comments in YAML and .env files. A comment on a
 * line of its own silences the listed rules on that line and the next (just above the
 * offending item); at the end of an item it silences that line only, not the next item.
 */
const IGNORE = /#\s*infra-review:\s*ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/;

export function hashCommentSuppressions(text: string): { rule: string; line: number }[] {
  const out: { rule: string; line: number }[] = [];
  if (!text.includes('infra-review')) return out; // most files have none: no need to split them into lines
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((lineText, line) => {
    if (!lineText.includes('infra-review')) return;
    const m = IGNORE.exec(lineText);
    if (!m) return;
    const trailing = lineText.slice(0, m.index).trim() !== '';
    for (const rule of m[1].split(',').map((r) => r.trim()).filter(Boolean)) {
      out.push({ rule, line });
      if (!trailing && line + 1 < lines.length) out.push({ rule, line: line + 1 });
    }
  });
  return out;
}
