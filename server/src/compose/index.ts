/**
 * docker compose analysis: compose YAML and `.env` files in, projects and per-file summaries
 * out. See project.ts for which files form a project.
 */
import type { SourceFile } from '../core/source';
import { locatorFor } from '../core/source';
import type { ComposeProject, FileSummary } from '../model/types';
import { parseEnvFile, type EnvFile } from './env-file';
import { extractComposeFile, type ComposeFileFacts } from './extract';
import type { Env } from './interpolate';
import { buildProject, dirName, groupProjectFiles } from './project';
import { hashCommentSuppressions } from './suppressions';

export { parseEnvFile } from './env-file';
export { interpolate } from './interpolate';
export { parseShortPort } from './ports';
export { normalizeProjectName, groupProjectFiles } from './project';

export interface ComposeAnalysis {
  readonly projects: ComposeProject[];
  readonly summaries: FileSummary[];
}

const NO_ENV: Env = new Map();

export function analyzeCompose(files: readonly SourceFile[]): ComposeAnalysis {
  const summaries: FileSummary[] = [];
  const envFiles = new Map<string, EnvFile>();
  for (const f of files) {
    if (f.kind !== 'env') continue;
    const locate = locatorFor(f);
    const parsed = parseEnvFile(f.text, locate);
    envFiles.set(f.path, parsed);
    summaries.push({
      file: f.path,
      kind: 'env',
      syntaxErrors: parsed.badLines.map((b) => ({ message: 'not a KEY=value line', at: locate(b.start, b.end) })),
      suppressions: hashCommentSuppressions(f.text),
    });
  }

  const byDir = new Map<string, SourceFile[]>();
  for (const f of files) {
    if (f.kind !== 'compose') continue;
    const list = byDir.get(dirName(f.path)) ?? [];
    list.push(f);
    byDir.set(dirName(f.path), list);
  }

  const projects: ComposeProject[] = [];
  for (const [dir, dirFiles] of [...byDir].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const envPath = `${dir}/.env`;
    const env = envFiles.get(envPath)?.entries ?? NO_ENV;
    const facts = new Map<string, ComposeFileFacts>();
    for (const f of dirFiles) {
      const fact = extractComposeFile(f, env);
      facts.set(f.path, fact);
      summaries.push({ file: f.path, kind: 'compose', syntaxErrors: fact.syntaxErrors, suppressions: hashCommentSuppressions(f.text) });
    }
    for (const group of groupProjectFiles(dirFiles.map((f) => f.path))) {
      const usable = group.map((p) => facts.get(p)!).filter((f) => f.usable);
      if (usable.length) projects.push(buildProject(usable, env, envFiles.has(envPath) ? envPath : undefined, envFiles));
    }
  }
  return { projects, summaries };
}
