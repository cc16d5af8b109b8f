/**
 * SARIF 2.1.0 for code-scanning tools: rule metadata with help and links, results with
 * 1-based regions and related locations, and fixes as SARIF fixes (artifactChanges).
 */
import type { Finding, Severity } from '../core/finding';
import type { Range } from '../core/text';
import { ALL_RULES } from '../rules/registry';
import type { RuleMeta } from '../rules/types';
import { INTERNAL_ERROR_RULE } from '../engine/engine';
import { VERSION } from './help';
import { relativePaths } from './paths';

const DOCS = 'https://example.invalid/infra-review/docs/rules.md';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF plain-text messages turn `[text](target)` into links (§3.11.6): literal brackets from
 * files or DNS must be escaped, and a backslash before one too, so no quoted text becomes a link.
 */
export function sarifText(s: string): string {
  return s.replace(/\\(?=[[\]])/g, '\\\\').replace(/[[\]]/g, (c) => `\\${c}`);
}

/** Code-scanning UIs show `help` beside each alert: the rule's documentation, as in docs/rules.md. */
function ruleHelp(meta: RuleMeta): { text: string; markdown: string } {
  const d = meta.doc;
  const sections: [string, string][] = [['Why it matters', d.why], ['How to fix it', d.fix], ['What it does not flag', d.notFlagged]];
  const example = d.example ? `\n\n### Example\n\n\`\`\`${d.example.lang}\n${d.example.bad.trimEnd()}\n\`\`\`\n\nFixed:\n\n\`\`\`${d.example.lang}\n${d.example.fixed.trimEnd()}\n\`\`\`` : '';
  return {
    text: [d.what, ...sections.map(([h, t]) => `${h}: ${t}`), `See docs/rules.md#${meta.docs}.`].join('\n\n'),
    markdown: [d.what, ...sections.map(([h, t]) => `### ${h}\n\n${t}`)].join('\n\n') + example + `\n\n[docs/rules.md#${meta.docs}](${DOCS}#${meta.docs})`,
  };
}

function region(r: Range) {
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

export function formatSarif(findings: readonly Finding[], cwd: string): unknown {
  const rules = [
    ...ALL_RULES.map((r) => ({
      id: r.meta.id,
      name: r.meta.id,
      shortDescription: { text: r.meta.title },
      fullDescription: { text: r.meta.doc.what },
      helpUri: `${DOCS}#${r.meta.docs}`,
      help: ruleHelp(r.meta),
      defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
    })),
    {
      id: INTERNAL_ERROR_RULE,
      name: INTERNAL_ERROR_RULE,
      shortDescription: { text: 'infra-review failed on part of the input' },
      helpUri: `${DOCS}#${INTERNAL_ERROR_RULE}`,
      defaultConfiguration: { level: 'error' as const },
    },
  ];
  const index = new Map(rules.map((r, i) => [r.id, i] as const));
  const rel = relativePaths(cwd);
  const location = (file: string, range: Range, message?: string, id?: number) => ({
    ...(id !== undefined ? { id } : {}),
    physicalLocation: { artifactLocation: { uri: rel(file), uriBaseId: '%SRCROOT%' }, region: region(range) },
    ...(message ? { message: { text: sarifText(message) } } : {}),
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'infra-review', version: VERSION, informationUri: DOCS, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${cwd.replace(/\/?$/, '/')}` } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: sarifText(f.message) },
          locations: [location(f.at.file, f.at.range)],
          ...(f.related.length ? { relatedLocations: f.related.map((r, i) => location(r.at.file, r.at.range, r.message, i)) } : {}),
          ...(f.fixes.length
            ? {
                fixes: f.fixes.map((x) => ({
                  description: { text: sarifText(x.title) },
                  artifactChanges: groupByFile(x.edits).map(([file, edits]) => ({
                    artifactLocation: { uri: rel(file), uriBaseId: '%SRCROOT%' },
                    replacements: edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })),
                  })),
                })),
              }
            : {}),
        })),
      },
    ],
  };
}

function groupByFile<T extends { file: string }>(edits: readonly T[]): [string, T[]][] {
  const m = new Map<string, T[]>();
  for (const e of edits) m.set(e.file, [...(m.get(e.file) ?? []), e]);
  return [...m.entries()];
}
