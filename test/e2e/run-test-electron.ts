/**
 * The same in-editor suite on a desktop VS Code via @vscode/test-electron (developers' machines,
 * CI with internet):
 *   npm run build && node out/test/e2e/run-test-electron.js
 * VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code instead of downloading one.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT } from '../support/paths';
import { FIXTURE_WORKSPACE, SUITE } from './code-server';

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), 'infra-review-electron-'));
  const workspace = join(base, 'ws');
  cpSync(FIXTURE_WORKSPACE, workspace, { recursive: true });
  try {
    await runTests({
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: SUITE,
      ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', `--user-data-dir=${join(base, 'user-data')}`],
    });
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
