/** Compiler-style text output: `file:line:col: severity rule-id message`, related lines beneath, a summary. */
import type { Finding, Severity } from '../core/finding';
import { neutralize } from '../core/safe-text';
import { relativePaths } from './paths';

const COLORS: Record<Severity, string> = { error: '\x1b[31m', warning: '\x1b[33m', info: '\x1b[36m' };
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/** `quiet`: print errors only; the summary still counts every finding, so nothing is hidden silently. */
export function formatText(findings: readonly Finding[], options: { cwd: string; color: boolean; fileCount: number; quiet?: boolean }): string {
  const paint = (code: string, s: string) => (options.color ? `${code}${s}${RESET}` : s);
  const rel = relativePaths(options.cwd);
  // File names are untrusted too (a name can hold a terminal escape).
  const where = (file: string, line: number, character: number) => `${neutralize(rel(file))}:${line + 1}:${character + 1}`;
  const lines: string[] = [];
  for (const f of options.quiet ? findings.filter((x) => x.severity === 'error') : findings) {
    const pos = where(f.at.file, f.at.range.start.line, f.at.range.start.character);
    lines.push(`${paint(BOLD, pos)}: ${paint(COLORS[f.severity], f.severity)} ${paint(DIM, f.rule)} ${neutralize(f.message)}`);
    for (const r of f.related) {
      lines.push(`    ${where(r.at.file, r.at.range.start.line, r.at.range.start.character)}: ${neutralize(r.message)}`);
    }
    for (const fix of f.fixes) lines.push(`    ${paint(DIM, `fix${fix.preferred ? ' (preferred)' : ''}:`)} ${neutralize(fix.title)}`);
  }
  lines.push(summaryLine(findings, options.fileCount) + (options.quiet && findings.some((f) => f.severity !== 'error') ? ' (only errors shown)' : ''));
  return lines.join('\n') + '\n';
}

export function summaryLine(findings: readonly Finding[], fileCount: number): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${plural(count('info'), 'info')} in ${plural(fileCount, 'file')}`;
}
