/**
 * Wires the engine for one workspace: format analyzers, the DNS view (zones from the
 * workspace and --zone, cache, resolvers), the edit kit and the rules. Shared by the CLI and
 * the language server so both produce the same findings.
 */
import { resolve } from 'node:path';
import { userCacheDir } from '../core/cache-dir';
import { classifyFile } from '../core/files';
import type { SourceFile } from '../core/source';
import type { DnsAnswer, DnsMode, DnsView } from '../dns/types';
import { ALL_RULES } from '../rules/registry';
import type { FormatAnalyzer } from './analyzers';
import { collectFiles, InputError, toSlash } from './collect';
import { NO_STRUCTURAL_EDITS, type AnalyzeOptions, type SeverityOverride } from './engine';
import { createEditKit } from '../edits/kit-impl';
import { FORMAT_ANALYZERS } from './formats';
import { openDnsView } from './dns-setup';
import { Progress } from './progress';

export interface WorkspaceConfig {
  readonly root: string;
  readonly dns: DnsMode;
  readonly resolvers: readonly string[];
  readonly rules: ReadonlyMap<string, SeverityOverride>;
  readonly cacheDir?: string;
  readonly timeoutMs?: number;
}

export function defaultCacheDir(): string {
  return toSlash(userCacheDir());
}

export function defaultAnalyzers(): readonly FormatAnalyzer[] {
  return FORMAT_ANALYZERS;
}

export interface OpenedDns {
  readonly view: DnsView;
  /** Persists the cache (live answers) and releases sockets. */
  close(): Promise<void>;
}

export async function createDns(
  config: WorkspaceConfig,
  zoneFiles: readonly SourceFile[],
  hooks: { onAnswer?: (a: DnsAnswer) => void; log?: (m: string) => void } = {},
): Promise<OpenedDns> {
  return openDnsView({
    mode: config.dns,
    zoneFiles,
    resolvers: config.resolvers,
    cacheDir: config.cacheDir ?? defaultCacheDir(),
    timeoutMs: config.timeoutMs,
    ...hooks,
  });
}

/**
 * The edit kit, or exact replacements only when it cannot be built (its Nix parser is wasm
 * that can fail): the findings still count, every caller of the engine gets them.
 */
function safeEditKit(log?: (m: string) => void): AnalyzeOptions['editKit'] {
  return async (files) => {
    try {
      return await createEditKit(files);
    } catch (e) {
      log?.(`the edit kit failed, fixes that need it are left out: ${e instanceof Error ? e.message : String(e)}`);
      return NO_STRUCTURAL_EDITS;
    }
  };
}

export function analyzeOptionsFor(config: WorkspaceConfig, dns: DnsView, log?: (m: string) => void): AnalyzeOptions {
  return {
    root: config.root,
    analyzers: defaultAnalyzers(),
    rules: ALL_RULES,
    dns,
    editKit: safeEditKit(log),
    severity: config.rules,
    log,
  };
}

export interface OpenedWorkspace {
  readonly files: SourceFile[];
  readonly analyzeOptions: AnalyzeOptions;
  readonly dns: DnsView;
  close(): Promise<void>;
}

/** CLI: collect the files under the paths (plus --zone files), open DNS, ready to analyse. */
export async function openWorkspace(
  opts: { paths: string[]; zones: string[]; excludeZone?: string; dns: DnsMode; resolvers: string[]; rules: Map<string, SeverityOverride>; cacheDir?: string; timeoutMs?: number; maxFileBytes?: number },
  ui: { progress?: Progress | boolean; onAnswer?: (a: DnsAnswer) => void },
): Promise<OpenedWorkspace> {
  const collected = collectFiles(opts.paths, { maxFileBytes: opts.maxFileBytes });
  for (const s of collected.skipped) process.stderr.write(`infra-review: skipped ${s.path}: ${s.reason}\n`);
  const files = collected.files.filter((f) => f.path !== opts.excludeZone);
  const zonePaths = new Set(files.filter((f) => f.kind === 'zone').map((f) => f.path));
  for (const z of opts.zones) {
    const abs = toSlash(resolve(z));
    if (zonePaths.has(abs)) continue;
    const extra = collectFiles([abs], { maxFileBytes: opts.maxFileBytes }).files;
    if (!extra.length) throw new InputError(`${z}: cannot read zone file`);
    files.push(...extra.map((f) => ({ ...f, kind: 'zone' as const })));
    zonePaths.add(abs);
  }
  // true: progress on stderr when it is a terminal (see progress.ts).
  const progress = ui.progress === true ? Progress.forStream(process.stderr) : ui.progress || undefined;
  progress?.filesFound(files.length);
  const root = toSlash(resolve(opts.paths.length === 1 && classifyFile(opts.paths[0]) === undefined ? opts.paths[0] : '.'));
  const config: WorkspaceConfig = { root, dns: opts.dns, resolvers: opts.resolvers, rules: opts.rules, cacheDir: opts.cacheDir, timeoutMs: opts.timeoutMs };
  const log = (m: string) => {
    progress?.done(); // a message must not land on the progress line
    process.stderr.write(`infra-review: ${m}\n`);
  };
  const onAnswer = progress?.enabled ? (a: DnsAnswer) => (ui.onAnswer?.(a), progress.dnsAnswer(a.name)) : ui.onAnswer;
  const dns = await createDns(config, files.filter((f) => zonePaths.has(f.path)), { onAnswer, log });
  const analyzeOptions = analyzeOptionsFor(config, dns.view, log);
  return {
    files,
    analyzeOptions: progress ? { ...analyzeOptions, analyzers: progress.wrap(analyzeOptions.analyzers) } : analyzeOptions,
    dns: dns.view,
    close: () => dns.close(),
  };
}
