/**
 * The language server: a thin adapter over the engine. It keeps the workspace's files (disk
 * plus open buffers), re-runs `analyze()` after edits (debounced, latest wins), publishes
 * diagnostics with document versions, and answers hovers, code actions and inlay hints from
 * the latest analysis. DNS never blocks: see dns-broker.ts.
 *
 * `createConnection()` picks the transport from argv (`--stdio`, `--node-ipc`, `--socket=`).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { DEFAULT_MAX_FILE_BYTES } from '../engine/collect';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  LSPErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import type { Finding } from '../core/finding';
import { neutralizeFinding } from '../core/safe-text';
import type { SourceFile } from '../core/source';
import { writeSnapshot as zoneSnapshotText } from '../dns';
import type { DnsAnswer, DnsView } from '../dns/types';
import type { FormatAnalyzer } from '../engine/analyzers';
import { analyze, type AnalyzeOptions } from '../engine/engine';
import { IncrementalEngine } from '../engine/incremental';
import { analyzeOptionsFor, createDns, type OpenedDns, type WorkspaceConfig } from '../engine/setup';
import type { InfraModel } from '../model/types';
import type { Rule } from '../rules/types';
import { codeActions } from './code-actions';
import { DiagnosticsPublisher } from './diagnostics';
import { DnsBroker, type ViewStats } from './dns-broker';
import { OpenDocuments } from './documents';
import { hoverAt } from './hover';
import { inlayHints } from './inlay-hints';
import { warmUpNixParser } from './nix-incremental';
import { ANALYSIS_DONE, FIX_ALL_KIND, REFRESH_DNS, STATUS, WRITE_SNAPSHOT, type AnalysisDoneParams, type RefreshDnsResult, type StatusParams, type WriteSnapshotParams, type WriteSnapshotResult } from './protocol';
import { AnalysisScheduler } from './scheduler';
import { dnsKey, effectiveDnsMode, initialSettings, mergeSettings, type Settings } from './settings';
import { pathToUri, uriToPath } from './uri';
import { WorkspaceFiles } from './workspace-files';

/** Seams for tests: a fake engine exercises the protocol without depending on real rules. */
export interface ServerDeps {
  readonly analyzers?: readonly FormatAnalyzer[];
  readonly rules?: readonly Rule[];
  readonly openDns?: (config: WorkspaceConfig, zones: readonly SourceFile[], log: (m: string) => void) => Promise<OpenedDns>;
}

interface Published {
  readonly model: InfraModel;
  readonly findings: readonly Finding[];
  /** uri → document version the analysis saw. */
  readonly versions: ReadonlyMap<string, number>;
  readonly stats: ViewStats;
}

const FRESH_WAIT_MS = 3000;

/** Whole or not at all: a temporary file beside the target, then rename. */
function writeAtomically(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      /* never written */
    }
    throw e;
  }
}

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
}

export function startLanguageServer(deps: ServerDeps = {}): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const log = (m: string) => connection.console.log(m);
  const docs = new OpenDocuments(log);
  const publisher = new DiagnosticsPublisher();
  let settings: Settings = initialSettings(undefined);
  let workspace = new WorkspaceFiles([], docs, log);
  let canPullConfiguration = false;
  let canRefreshInlayHints = false;
  let serverProgress = false;

  let broker: DnsBroker | undefined;
  let closeDns: (() => Promise<void>) | undefined;
  let saveLiveCache: (() => Promise<void>) | undefined;
  let openedDnsKey = '';
  let openedZones = '';
  let openedZoneFiles: readonly SourceFile[] = [];
  let latest: Published | undefined;
  let published = 0;
  let analysing = false;
  /**
   * Re-analyses after an edit only the hosts, projects and files it can affect (same findings
   * as `analyze`). `dnsGeneration` changes whenever DNS answers may have changed (new views,
   * answers arrived, refresh): then every unit runs again.
   */
  const incremental = new IncrementalEngine();
  let dnsGeneration = 0;

  const config = (): WorkspaceConfig => ({
    root: workspace.roots[0] ?? process.cwd(),
    dns: effectiveDnsMode(settings),
    resolvers: settings.dns.resolvers,
    rules: settings.rules,
    ...(settings.dns.cacheDir ? { cacheDir: settings.dns.cacheDir } : {}),
    ...(settings.dns.timeoutMs ? { timeoutMs: settings.dns.timeoutMs } : {}),
  });

  const openDns = deps.openDns ?? ((c: WorkspaceConfig, zones: readonly SourceFile[], l: (m: string) => void) => createDns(c, zones, { log: l }));

  /** (Re)opens the DNS views when settings or zone files changed. */
  async function ensureDns(files: readonly SourceFile[]): Promise<DnsBroker> {
    const zones = files.filter((f) => f.kind === 'zone');
    // The same zone file objects as last time (the common case: an edit elsewhere) need no
    // key built from their whole text.
    const sameZones = zones.length === openedZoneFiles.length && zones.every((z, i) => z === openedZoneFiles[i]);
    const zoneKey = sameZones ? openedZones : zones.map((z) => `${z.path}\0${z.text.length}\0${z.version ?? ''}\0${z.text}`).join('\n');
    openedZoneFiles = zones;
    if (broker && openedDnsKey === dnsKey(settings) && openedZones === zoneKey) return broker;
    const previous = { broker, closeDns };
    const c = config();
    const mode = c.dns;
    const known = await openDns(mode === 'live' ? { ...c, dns: 'cache' } : c, zones, log);
    const live = mode === 'live' ? await openDns(c, zones, log) : undefined;
    broker = new DnsBroker(mode, known.view, live?.view, onDnsAnswers, log);
    closeDns = async () => {
      await known.close();
      await live?.close();
    };
    const managed = live?.view as Partial<{ save(): Promise<void> }> | undefined;
    saveLiveCache = managed?.save ? () => managed.save!() : undefined;
    openedDnsKey = dnsKey(settings);
    openedZones = zoneKey;
    dnsGeneration++;
    previous.broker?.dispose();
    void previous.closeDns?.().catch((e: unknown) => log(`closing DNS: ${(e as Error).message}`));
    return broker;
  }

  function onDnsAnswers(): void {
    dnsGeneration++;
    saveLiveCache?.().catch((e: unknown) => log(`could not write the DNS cache: ${(e as Error).message}`));
    scheduler.request('dns answers', true);
    if (canRefreshInlayHints && settings.inlayHints.enabled) void connection.languages.inlayHint.refresh();
    sendStatus();
  }

  function openVersions(): Map<string, number> {
    return new Map(docs.all().map((d) => [d.uri, d.document.version]));
  }

  async function runAnalysis(signal: AbortSignal, reasons: readonly string[]): Promise<void> {
    analysing = true;
    sendStatus();
    const progress = serverProgress && published === 0 ? await connection.window.createWorkDoneProgress() : undefined;
    progress?.begin('infra-review', undefined, 'analysing the workspace');
    try {
      const files = workspace.snapshot();
      noticeSkippedOpen();
      const versions = openVersions();
      const dns = await ensureDns(files);
      if (signal.aborted) return;
      const stats: ViewStats = { answers: 0 };
      const options: AnalyzeOptions = {
        ...analyzeOptionsFor(config(), dns.view(signal, stats), log),
        ...(deps.analyzers ? { analyzers: deps.analyzers } : {}),
        ...(deps.rules ? { rules: deps.rules } : {}),
      };
      // Test seams (fake analyzers or rules) keep the one-shot engine.
      const result = deps.analyzers || deps.rules ? { ...(await analyze(files, options)), partial: false } : await incremental.analyze(files, options, dnsGeneration, signal).then((r) => ({ ...r, partial: !r.stats.full }));
      const { model } = result;
      // Whatever path produced them, messages reach the client neutralised (see core/safe-text.ts).
      const findings = result.findings.map(neutralizedOnce);
      if (signal.aborted) return; // a newer edit arrived: its analysis publishes instead
      // Units not re-run asked no DNS this time: the cache age shown stays the last run's.
      if (result.partial && stats.oldestCacheFetch === undefined) stats.oldestCacheFetch = latest?.stats.oldestCacheFetch;
      latest = { model, findings, versions, stats };
      for (const p of publisher.plan(findings, versions)) {
        void connection.sendDiagnostics({ uri: p.uri, ...(p.version !== undefined ? { version: p.version } : {}), diagnostics: p.diagnostics });
      }
      published++;
      const done: AnalysisDoneParams = {
        count: published,
        versions: Object.fromEntries(versions),
        findings: findings.length,
        files: files.length,
        dnsPending: dns.pending,
        reason: reasons.join(', '),
      };
      void connection.sendNotification(ANALYSIS_DONE, done);
    } finally {
      progress?.done();
      analysing = false;
      sendStatus();
    }
  }

  /**
   * The same object for the same finding: findings of units the incremental engine did not
   * re-run keep their identity, which lets the publisher skip files whose findings are unchanged.
   */
  const neutralized = new WeakMap<Finding, Finding>();
  function neutralizedOnce(f: Finding): Finding {
    let n = neutralized.get(f);
    if (!n) neutralized.set(f, (n = neutralizeFinding(f)));
    return n;
  }

  const scheduler = new AnalysisScheduler(runAnalysis, log);

  function sendStatus(): void {
    const oldest = latest?.stats.oldestCacheFetch;
    const status: StatusParams = {
      configuredMode: settings.dns.mode,
      mode: effectiveDnsMode(settings),
      trusted: settings.trusted,
      cacheAgeMs: oldest === undefined ? null : Date.now() - oldest,
      analysing,
      firstAnalysis: published === 0,
      dnsPending: broker?.pending ?? 0,
      files: workspace.snapshot().length,
      zoneFiles: workspace.zonePaths().length,
    };
    void connection.sendNotification(STATUS, status);
  }

  /** Waits (bounded) until the latest analysis covers the current text, for requests that need it. */
  async function fresh(token: CancellationToken): Promise<Published | undefined> {
    await scheduler.idle(FRESH_WAIT_MS);
    if (token.isCancellationRequested) throw cancelled();
    return latest;
  }

  async function pullSettings(): Promise<void> {
    if (!canPullConfiguration) return;
    try {
      const raw: unknown = await connection.workspace.getConfiguration({ section: 'infraReview' });
      settings = mergeSettings(settings, raw);
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
    workspace.setExtraZones(settings.dns.zoneFiles);
    if (workspace.setMaxFileBytes(settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) workspace.scan();
  }

  /** Open buffers over the size limit or with binary content are not analysed: said once per document. */
  const skippedNotified = new Set<string>();
  function noticeSkippedOpen(): void {
    const now = workspace.skippedOpen();
    for (const uri of [...skippedNotified]) if (!now.some((d) => d.uri === uri)) skippedNotified.delete(uri);
    for (const d of now) {
      if (skippedNotified.has(d.uri)) continue;
      skippedNotified.add(d.uri);
      const message = `infra-review: ${d.path} ${d.reason}; it is not analysed.`;
      log(message);
      // A notification, not showWarningMessage's request: nothing to await, nothing to reject.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
    }
  }

  connection.onInitialize((params): InitializeResult => {
    const roots = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .map(uriToPath)
      .filter((p): p is string => !!p);
    workspace = new WorkspaceFiles(roots, docs, log);
    settings = initialSettings(params.initializationOptions);
    workspace.setMaxFileBytes(settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    const caps = params.capabilities;
    canPullConfiguration = !!caps.workspace?.configuration;
    canRefreshInlayHints = !!caps.workspace?.inlayHint?.refreshSupport;
    const init = params.initializationOptions as { clientProgress?: unknown } | undefined;
    serverProgress = !!caps.window?.workDoneProgress && init?.clientProgress !== true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'infra-review' },
    };
  });

  connection.onInitialized(async () => {
    warmUpNixParser(log);
    if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'infraReview' }).catch(() => undefined);
    void connection.client
      .register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{nix,cf,yml,yaml,zone,cidr}' }, { globPattern: '**/.env' }, { globPattern: '**/db.*' }],
      })
      .catch(() => log('the client cannot watch files: changes on disk are seen when files are opened'));
    workspace.setExtraZones(settings.dns.zoneFiles);
    await pullSettings();
    workspace.scan();
    scheduler.request('start', true);
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (canPullConfiguration) await pullSettings();
    else {
      const raw = (change.settings as { infraReview?: unknown } | undefined)?.infraReview;
      settings = mergeSettings(settings, raw);
      workspace.setExtraZones(settings.dns.zoneFiles);
      if (workspace.setMaxFileBytes(settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) workspace.scan();
    }
    scheduler.request('settings', true);
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    let ours = false;
    for (const c of changes) {
      const path = uriToPath(c.uri);
      if (path && workspace.refresh(path)) ours = true;
    }
    if (ours) scheduler.request('files changed on disk');
  });

  docs.listen(connection, {
    opened: () => scheduler.request('open', true),
    changed: () => scheduler.request('edit'),
    closed: (uri) => {
      publisher.forget(uri);
      scheduler.request('close');
    },
    saved: () => undefined,
  });

  connection.onHover(async (params, token) => {
    const doc = docs.get(params.textDocument.uri);
    const path = uriToPath(params.textDocument.uri);
    if (!doc || !path) return null;
    const state = await fresh(token);
    if (!state || !broker) return null;
    const hover = await hoverAt(doc.source, params.position, {
      model: state.model,
      dns: broker.view(),
      root: workspace.roots[0] ?? '/',
      now: Date.now(),
      live: broker.mode === 'live',
    });
    if (token.isCancellationRequested) throw cancelled();
    return hover;
  });

  connection.onCodeAction(async (params, token) => {
    const path = uriToPath(params.textDocument.uri);
    if (!path) return [];
    const state = await fresh(token);
    if (!state) return [];
    return codeActions({
      findings: state.findings.filter((f) => f.at.file === path),
      versions: state.versions,
      diagnostics: params.context.diagnostics,
      range: params.range,
      ...(params.context.only ? { only: params.context.only } : {}),
    });
  });

  connection.languages.inlayHint.on(async (params, token) => {
    const path = uriToPath(params.textDocument.uri);
    if (!settings.inlayHints.enabled || !path || !broker) return [];
    const state = await fresh(token);
    if (!state) return [];
    return inlayHints(state.model, broker.view(), path, params.range);
  });

  connection.onRequest(REFRESH_DNS, async (): Promise<RefreshDnsResult> => {
    if (!settings.trusted) return { started: false, message: 'This workspace is not trusted: infra-review makes no live DNS queries.' };
    if (effectiveDnsMode(settings) !== 'live') return { started: false, message: `DNS mode is '${settings.dns.mode}': set infraReview.dns.mode to 'live' to query resolvers.` };
    const started = broker?.refresh() ?? false;
    dnsGeneration++;
    scheduler.request('refresh DNS', true);
    return { started, message: started ? 'Resolving the names and addresses of the workspace again.' : 'DNS is not ready yet.' };
  });

  connection.onRequest(WRITE_SNAPSHOT, async (params: WriteSnapshotParams): Promise<WriteSnapshotResult> => {
    if (!settings.trusted) return { written: false, message: 'This workspace is not trusted: infra-review writes no files.' };
    const files = workspace.snapshot().filter((f) => f.path !== params.path);
    const dns = await ensureDns(files);
    const answers = new Map<string, DnsAnswer>();
    const record = (a: DnsAnswer) => answers.set(`${a.name} ${a.type}`, a);
    const inner = dns.resolvingView();
    const recording: DnsView = {
      mode: inner.mode,
      query: async (n, t) => {
        const a = await inner.query(n, t);
        record(a);
        return a;
      },
      reverse: async (address) => {
        const r = await inner.reverse(address);
        record(r.ptr);
        return r;
      },
      ptr: async (address) => {
        const a = await inner.ptr(address);
        record(a);
        return a;
      },
      spf: (ip, domain) => inner.spf(ip, domain),
    };
    const options: AnalyzeOptions = { ...analyzeOptionsFor(config(), recording, log), ...(deps.analyzers ? { analyzers: deps.analyzers } : {}), ...(deps.rules ? { rules: deps.rules } : {}) };
    await analyze(files, options);
    const kept = [...answers.values()].filter((a) => a.status === 'unknown' || a.source.kind !== 'zone');
    const text = zoneSnapshotText(kept, { comment: [`infra-review dns snapshot (DNS mode ${effectiveDnsMode(settings)}), written from the editor.`] });
    writeAtomically(params.path, text);
    return { written: true, message: `Wrote ${kept.length} answers to ${params.path}.` };
  });

  connection.onShutdown(async () => {
    scheduler.dispose();
    broker?.dispose();
    await closeDns?.();
  });

  connection.listen();
  return connection;
}

export { pathToUri };
