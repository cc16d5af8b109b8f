import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../support/paths';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('nothing under server/ imports vscode (the engine runs in the CLI and other editors)', () => {
  const offenders = sources(join(REPO_ROOT, 'server/src')).filter((f) => /from ['"]vscode['"]|require\(['"]vscode['"]\)/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('rules never import syntax, file or network modules', () => {
  const forbidden = /from ['"](node:fs|fs|node:dgram|node:net|web-tree-sitter|yaml|dns-packet)['"]|from ['"]\.\.\/\.\.\/(nix|compose|dns\/(?!types))/;
  const offenders = sources(join(REPO_ROOT, 'server/src/rules')).filter((f) => forbidden.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
