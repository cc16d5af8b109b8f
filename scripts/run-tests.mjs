#!/usr/bin/env node
// Builds, then runs every test layer on node's test runner (one summary at the end).
// The in-editor suite (code-server + Chromium) runs as its own test file under test/e2e.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
execFileSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
execFileSync('node', ['scripts/bundle.mjs'], { cwd: root, stdio: 'inherit' });

const only = process.argv.slice(2);
function collect(dir) {
  let out = [];
  let entries = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (e.endsWith('.test.js')) out.push(p);
  }
  return out;
}
let files = ['unit', 'cli', 'corpus', 'lsp', 'fuzz', 'security', 'e2e'].flatMap((layer) => collect(join(root, 'out/test', layer)));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
files.sort();
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
