/**
 * Drives the real server process over stdio with JSON-RPC, like an editor would. Waits for
 * what the server publishes (diagnostics of a version, the analysisDone signal), never sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from '../../support/paths';

export const SERVER = resolve(REPO_ROOT, 'dist/server.js');

export interface AnalysisDone {
  count: number;
  versions: Record<string, number>;
  findings: number;
  files: number;
  dnsPending: number;
  reason: string;
}

export function uri(path: string): string {
  return pathToFileURL(path).href;
}

/** A copy of a directory in a fresh temp dir (tests edit files on disk). */
export function tempCopy(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-lsp-'));
  cpSync(from, dir, { recursive: true });
  return dir;
}

type Waiter<T> = { test: (v: T) => boolean; resolve: (v: T) => void };

export class LspSession {
  readonly connection: ProtocolConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly done: AnalysisDone[] = [];
  readonly stderr: string[] = [];
  readonly log: string[] = [];
  private readonly diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly doneWaiters: Waiter<AnalysisDone>[] = [];
  private readonly versions = new Map<string, number>();
  configuration: unknown = {};

  private constructor(
    readonly process: ChildProcess,
    readonly root: string,
  ) {
    this.connection = createProtocolConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!));
    process.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      for (const w of [...this.diagWaiters]) if (w.test(p)) (this.diagWaiters.splice(this.diagWaiters.indexOf(w), 1), w.resolve(p));
    });
    this.connection.onNotification('infraReview/analysisDone', (p: AnalysisDone) => {
      this.done.push(p);
      for (const w of [...this.doneWaiters]) if (w.test(p)) (this.doneWaiters.splice(this.doneWaiters.indexOf(w), 1), w.resolve(p));
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => this.log.push(p.message));
    this.connection.onNotification('infraReview/status', () => undefined);
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => this.configuration));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  /** Starts `node dist/server.js lsp --stdio` on a workspace folder and waits for the first analysis. */
  static async start(root: string, options: { initializationOptions?: unknown; configuration?: unknown; args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<LspSession> {
    const home = mkdtempSync(join(tmpdir(), 'infra-review-lsp-home-'));
    const child = spawn(process.execPath, [SERVER, 'lsp', '--stdio', ...(options.args ?? [])], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache'), ...options.env },
    });
    child.on('exit', () => rmSync(home, { recursive: true, force: true }));
    const s = new LspSession(child, root);
    if (options.configuration !== undefined) s.configuration = options.configuration;
    const first = s.nextDone();
    await s.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri(root),
      workspaceFolders: [{ uri: uri(root), name: 'ws' }],
      capabilities: {
        workspace: { configuration: options.configuration !== undefined, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { publishDiagnostics: { versionSupport: true, relatedInformation: true }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } } },
      },
      initializationOptions: options.initializationOptions ?? { dns: { mode: 'off' } },
    });
    s.connection.sendNotification('initialized', {});
    await first;
    return s;
  }

  nextDone(test: (d: AnalysisDone) => boolean = () => true, timeoutMs = 20000): Promise<AnalysisDone> {
    return this.wait(this.doneWaiters, test, timeoutMs, 'analysisDone');
  }

  /** Resolves with the publication for `u` that satisfies `test` (already received, or the next one). */
  diagnosticsFor(u: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const have = this.diagnostics.get(u);
    if (have && test(have)) return Promise.resolve(have);
    return this.wait(this.diagWaiters, (p) => p.uri === u && test(p), timeoutMs, `diagnostics for ${u}`);
  }

  private wait<T>(list: Waiter<T>[], test: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        list.splice(list.indexOf(w), 1);
        reject(new Error(`timed out waiting for ${what}\nserver log:\n${this.log.slice(-20).join('\n')}\n${this.stderr.join('')}`));
      }, timeoutMs);
      const w: Waiter<T> = {
        test,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
      };
      list.push(w);
    });
  }

  open(path: string, languageId = 'plaintext'): { uri: string; version: number } {
    const u = uri(path);
    this.versions.set(u, 1);
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId, version: 1, text: readFileSync(path, 'utf8') } });
    return { uri: u, version: 1 };
  }

  change(u: string, changes: TextDocumentContentChangeEvent[]): number {
    const version = (this.versions.get(u) ?? 0) + 1;
    this.versions.set(u, version);
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri: u, version }, contentChanges: changes });
    return version;
  }

  close(u: string): void {
    this.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
      this.connection.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const exited = new Promise((r) => this.process.once('exit', r));
    setTimeout(() => this.process.kill('SIGKILL'), 3000).unref();
    if (this.process.exitCode === null) await exited;
    this.connection.dispose();
  }
}

export function messages(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${String(d.code)}@${d.range.start.line + 1}: ${d.message}`);
}
