/**
 * docker compose analysis: compose YAML and `.env` files in, projects and per-file summaries
 * out. See project.ts for which files form a project.
 */
import type { SourceFile } from '../core/source';
import { locatorFor } from '../core/source';
import type { ComposeLayout } from '../edits/compose';
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

/**
 * The last results per file and per project: the editor re-analyses after every keystroke,
 * and YAML parsing is the costly part. An unchanged project keeps its object (incremental
 * analysis compares them). Bounded: the oldest entries go first.
 */
const envMemo = new Map<string, { text: string; parsed: EnvFile; summary: FileSummary }>();
const factsMemo = new Map<string, { text: string; env: Env; facts: ComposeFileFacts; summary: FileSummary }>();
const projectMemo = new Map<string, { facts: readonly ComposeFileFacts[]; env: Env; envFiles: ReadonlyMap<string, EnvFile>; project: ComposeProject }>();
const MEMO_LIMIT = 5000;

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MEMO_LIMIT && !map.has(key)) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

function envFile(f: SourceFile): { parsed: EnvFile; summary: FileSummary } {
  const hit = envMemo.get(f.path);
  if (hit && hit.text === f.text) return hit;
  const locate = locatorFor(f);
  const parsed = parseEnvFile(f.text, locate);
  const summary: FileSummary = {
    file: f.path,
    kind: 'env',
    syntaxErrors: parsed.badLines.map((b) => ({ message: 'not a KEY=value line', at: locate(b.start, b.end) })),
    suppressions: hashCommentSuppressions(f.text),
  };
  return remember(envMemo, f.path, { text: f.text, parsed, summary });
}

function composeFacts(f: SourceFile, env: Env): { facts: ComposeFileFacts; summary: FileSummary } {
  const hit = factsMemo.get(f.path);
  if (hit && hit.text === f.text && hit.env === env) return hit;
  const facts = extractComposeFile(f, env);
  const summary: FileSummary = { file: f.path, kind: 'compose', syntaxErrors: facts.syntaxErrors, suppressions: hashCommentSuppressions(f.text) };
  return remember(factsMemo, f.path, { text: f.text, env, facts, summary });
}

/**
 * The edit layout the analysis recorded for this compose text (the last analysis of its path,
 * if the text is the same), for the fix builders; undefined when there is none.
 */
export function composeEditLayout(f: { readonly path: string; readonly text: string }): ComposeLayout | undefined {
  const hit = factsMemo.get(f.path);
  return hit && hit.text === f.text ? hit.facts.editLayout : undefined;
}

/** The env files of this run, as a map equal (entry by entry) to the last run's when unchanged. */
let lastEnvFiles: ReadonlyMap<string, EnvFile> = new Map();

function sameEntries<K, V>(a: ReadonlyMap<K, V>, b: ReadonlyMap<K, V>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function analyzeCompose(files: readonly SourceFile[]): ComposeAnalysis {
  const summaries: FileSummary[] = [];
  let envFiles = new Map<string, EnvFile>();
  for (const f of files) {
    if (f.kind !== 'env') continue;
    const e = envFile(f);
    envFiles.set(f.path, e.parsed);
    summaries.push(e.summary);
  }
  if (sameEntries(envFiles, lastEnvFiles)) envFiles = lastEnvFiles as Map<string, EnvFile>;
  else lastEnvFiles = envFiles;

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
      const c = composeFacts(f, env);
      facts.set(f.path, c.facts);
      summaries.push(c.summary);
    }
    for (const group of groupProjectFiles(dirFiles.map((f) => f.path))) {
      const usable = group.map((p) => facts.get(p)!).filter((f) => f.usable);
      if (!usable.length) continue;
      const key = `${envFiles.has(envPath) ? envPath : ''}\0${group.join('\0')}`;
      const hit = projectMemo.get(key);
      if (hit && hit.env === env && hit.envFiles === envFiles && hit.facts.length === usable.length && hit.facts.every((f, i) => f === usable[i])) {
        projects.push(hit.project);
        continue;
      }
      const project = buildProject(usable, env, envFiles.has(envPath) ? envPath : undefined, envFiles);
      remember(projectMemo, key, { facts: usable, env, envFiles, project });
      projects.push(project);
    }
  }
  return { projects, summaries };
}
