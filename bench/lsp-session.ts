/**
 * Drives the real language server (`node dist/server.js lsp --stdio`) like an editor: opens
 * documents, sends incremental changes, and waits for the diagnostics of a given version.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';

export const uriOf = (path: string): string => pathToFileURL(path).href;

type Waiter = { test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void };

export class BenchLsp {
  readonly connection: ProtocolConnection;
  private readonly waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  readonly spawnedAt: number;
  doneCount = 0;
  private doneWaiters: (() => void)[] = [];

  private constructor(readonly child: ChildProcess) {
    this.spawnedAt = performance.now();
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      for (const w of [...this.waiters]) if (w.test(p)) (this.waiters.splice(this.waiters.indexOf(w), 1), w.resolve(p));
    });
    this.connection.onNotification('infraReview/analysisDone', () => {
      this.doneCount++;
      const ws = this.doneWaiters;
      this.doneWaiters = [];
      for (const w of ws) w();
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onNotification('infraReview/status', () => undefined);
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ dns: { mode: 'off' } })));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
    child.stderr!.on('data', () => undefined);
  }

  /** Spawns the server and initializes it on `root` (DNS off: editing is measured without network). */
  static async start(server: string, root: string, env: NodeJS.ProcessEnv): Promise<BenchLsp> {
    const child = spawn(process.execPath, [server, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env });
    const s = new BenchLsp(child);
    await s.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'fleet' }],
      capabilities: { workspace: { configuration: false }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: { dns: { mode: 'off' } },
    });
    s.connection.sendNotification('initialized', {});
    return s;
  }

  diagnostics(uri: string, version: number, timeoutMs = 120000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} version ${version}`)), timeoutMs);
      this.waiters.push({
        test: (p) => p.uri === uri && p.version === version,
        resolve: (p) => (clearTimeout(timer), resolve(p)),
      });
    });
  }

  nextDone(): Promise<void> {
    return new Promise((resolve) => this.doneWaiters.push(resolve));
  }

  open(path: string, languageId: string): { uri: string; text: string } {
    const uri = uriOf(path);
    const text = readFileSync(path, 'utf8');
    this.versions.set(uri, 1);
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return { uri, text };
  }

  /** Sends one incremental change; returns its version. */
  change(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  rssBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    const exited = new Promise((r) => this.child.once('exit', r));
    setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    await exited;
    this.connection.dispose();
  }
}
