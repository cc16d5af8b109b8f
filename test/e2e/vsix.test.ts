/** The .vsix holds what the extension runs on without node_modules: both bundles, the language server's libraries and both wasm files. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/paths';
import { toolOrSkip } from '../support/tools';

const unzip = toolOrSkip('unzip', 'unzip');

test('vsce packages the bundled server, client and grammar wasm', { skip: unzip.skip, timeout: 300000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-vsix-'));
  try {
    const vsix = join(dir, 'infra-review.vsix');
    // The bundles are fresh: scripts/run-tests.mjs builds before running tests.
    execFileSync(
      join(REPO_ROOT, 'node_modules/.bin/vsce'),
      ['package', '--no-dependencies', '--baseContentUrl', 'https://example.invalid/infra-review/blob/main', '--baseImagesUrl', 'https://example.invalid/infra-review/raw/main', '-o', vsix],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const listing = execFileSync(unzip.path!, ['-l', vsix], { encoding: 'utf8' });
    for (const f of ['extension/dist/server.js', 'extension/dist/vscode-languageserver.js', 'extension/dist/vscode-languageserver-textdocument.js', 'extension/dist/client.js', 'extension/dist/tree-sitter-nix.wasm', 'extension/dist/web-tree-sitter.wasm', 'extension/package.json', 'extension/syntaxes/postfix-main-cf.tmLanguage.json']) {
      assert.match(listing, new RegExp(`\\s${f.replace(/[.]/g, '\\.')}\\n`), `${f} in the vsix:\n${listing}`);
    }
    assert.doesNotMatch(listing, /node_modules\/|\/out\/|\.map\n|\/test\//, 'no sources, tests, maps or dependencies');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
