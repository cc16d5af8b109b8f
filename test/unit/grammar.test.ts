import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths';
import { run, toolOrSkip } from '../support/tools';

const clang = toolOrSkip('clang-19', 'clang-19');

test('grammars/build.sh reproduces the checked-in tree-sitter-nix.wasm byte-for-byte', { skip: clang.skip }, () => {
  const out = run('bash', [join(REPO_ROOT, 'grammars/build.sh'), '--check']);
  assert.match(out, /reproduced byte-for-byte/);
});

test('BUILD-INFO.md records the package version and the hash of the checked-in wasm', async () => {
  const info = readFileSync(join(REPO_ROOT, 'grammars/BUILD-INFO.md'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/tree-sitter-nix/package.json'), 'utf8')) as { version: string };
  assert.match(info, new RegExp(`tree-sitter-nix\` ${pkg.version.replace(/\./g, '\\.')}`));
  const { createHash } = await import('node:crypto');
  const sha = createHash('sha256').update(readFileSync(join(REPO_ROOT, 'grammars/tree-sitter-nix.wasm'))).digest('hex');
  assert.ok(info.includes(sha), `BUILD-INFO.md does not mention sha256 ${sha}`);
});
