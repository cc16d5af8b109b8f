/** JSON output, exactly the shape of the CLI contract (version 1). Positions 0-based as in LSP. */
import type { Finding } from '../core/finding';
import { relativePaths } from './paths';

export function findingsToJson(findings: readonly Finding[], cwd: string): unknown {
  const rel = relativePaths(cwd);
  return {
    version: 1,
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      file: rel(f.at.file),
      range: f.at.range,
      related: f.related.map((r) => ({ file: rel(r.at.file), range: r.at.range, message: r.message })),
      fixes: f.fixes.map((x) => ({
        title: x.title,
        preferred: !!x.preferred,
        edits: x.edits.map((e) => ({ file: rel(e.file), range: e.range, newText: e.newText })),
      })),
    })),
  };
}
