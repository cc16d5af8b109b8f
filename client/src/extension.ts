/**
 * The VS Code side: starts the bundled server (dist/server.js `lsp`, over IPC), tells it about
 * workspace trust, shows DNS status, and offers the commands. No analysis happens here.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { RestartPolicy } from './restart-policy';
import { ANALYSIS_DONE, REFRESH_DNS, STATUS, WRITE_SNAPSHOT, type RefreshDnsResult, type StatusParams, type WriteSnapshotResult } from './protocol';
import { StatusView } from './status';

/** Files the server reads, by name and path: never claiming the `nix` / `dockercompose` / `yaml` ids other extensions own. */
export const DOCUMENT_PATTERNS = ['**/*.nix', '**/main.cf', '**/master.cf', '**/main.cf.{in,j2,tpl,template,sample}', '**/master.cf.{in,j2,tpl,template,sample}', '**/*compose*.{yml,yaml}', '**/.env', '**/*.zone', '**/*.cidr'];

/** What tests (and other extensions) can use. */
export interface InfraReviewApi {
  /** Resolves after the next analysis the server published (or at once when `count` is already reached). */
  analysisDone(atLeast?: number): Promise<number>;
  readonly client: () => LanguageClient | undefined;
}

let client: LanguageClient | undefined;
let published = 0;
const analysisListeners: (() => void)[] = [];

function crashHandler(output: vscode.OutputChannel): ErrorHandler {
  const policy = new RestartPolicy();
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const d = policy.onCrash(Date.now());
      if (d.restart) {
        output.appendLine('infra-review: the language server stopped unexpectedly; restarting it.');
        if (d.notify) {
          void vscode.window.showWarningMessage('infra-review: the language server stopped unexpectedly and was restarted.', 'Show Log').then((a) => a && output.show());
        }
        return { action: CloseAction.Restart, handled: true };
      }
      output.appendLine(`infra-review: the language server was not restarted: ${d.reason}.`);
      void vscode.window
        .showErrorMessage(`infra-review: the language server was not restarted (${d.reason}). Reload the window to try again.`, 'Show Log')
        .then((a) => a && output.show());
      return { action: CloseAction.DoNotRestart, handled: true };
    },
  };
}

function createClient(context: vscode.ExtensionContext, output: vscode.OutputChannel, status: StatusView): LanguageClient {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args: ['lsp'] },
    debug: { module, transport: TransportKind.ipc, args: ['lsp'], options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const config = vscode.workspace.getConfiguration('infraReview');
  const trusted = vscode.workspace.isTrusted;
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_PATTERNS.map((pattern) => ({ scheme: 'file', pattern })),
    synchronize: { configurationSection: 'infraReview' },
    initializationOptions: {
      dns: config.get('dns'),
      rules: config.get('rules'),
      inlayHints: config.get('inlayHints'),
      trusted,
      clientProgress: true,
    },
    outputChannel: output,
    errorHandler: crashHandler(output),
    // DNS data is untrusted text: hovers are plain Markdown without HTML or command links.
    markdown: { isTrusted: false, supportHtml: false },
  };
  const c = new LanguageClient('infraReview', 'infra-review', serverOptions, clientOptions);
  c.onNotification(STATUS, (s: StatusParams) => status.update(s));
  c.onNotification(ANALYSIS_DONE, () => {
    published++;
    for (const l of analysisListeners.splice(0)) l();
  });
  return c;
}

export async function activate(context: vscode.ExtensionContext): Promise<InfraReviewApi> {
  const output = vscode.window.createOutputChannel('infra-review');
  const status = new StatusView();
  context.subscriptions.push(output, status);

  const start = async () => {
    client = createClient(context, output, status);
    await client.start();
  };
  const restart = async () => {
    const old = client;
    client = undefined;
    await old?.stop().catch(() => undefined);
    await start();
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('infraReview.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('infraReview.refreshDns', async () => {
      if (!client) return;
      const r = await client.sendRequest<RefreshDnsResult>(REFRESH_DNS);
      void (r.started ? vscode.window.showInformationMessage(`infra-review: ${r.message}`) : vscode.window.showWarningMessage(`infra-review: ${r.message}`));
    }),
    vscode.commands.registerCommand('infraReview.writeDnsSnapshot', async (target?: vscode.Uri) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('infra-review: this workspace is not trusted, so infra-review writes no files. Trust the workspace to write a DNS snapshot.');
        return;
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: folder && vscode.Uri.joinPath(folder, 'dns', 'snapshot.zone'), filters: { 'Zone file': ['zone'] }, title: 'Write DNS snapshot' }));
      if (!uri || !client) return;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'infra-review: writing DNS snapshot' }, () =>
        client!.sendRequest<WriteSnapshotResult>(WRITE_SNAPSHOT, { path: uri.fsPath }),
      );
      void (r.written ? vscode.window.showInformationMessage(`infra-review: ${r.message}`) : vscode.window.showWarningMessage(`infra-review: ${r.message}`));
    }),
    // Trust lifts the limits (live DNS, writes): the server learns it at start, so restart it.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart()),
    { dispose: () => void client?.stop() },
  );

  await start();
  return {
    analysisDone: (atLeast?: number) =>
      new Promise<number>((resolve) => {
        if (atLeast !== undefined && published >= atLeast) return resolve(published);
        analysisListeners.push(() => resolve(published));
      }),
    client: () => client,
  };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
