/** The CLI's V8 code cache (server/src/cli/code-cache.ts) on the real process, through bin/. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI, REPO_ROOT } from '../support/paths';

const ARGS = ['check', 'examples', '--dns', 'off', '--format', 'json'];

test('check writes its compiled code once, runs from it after, and prints the same findings with the cache off', () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist/cli.js')), 'the bundles (npm run build)');
  const home = mkdtempSync(join(tmpdir(), 'ir-cli-code-cache-'));
  try {
    const run = (extra: NodeJS.ProcessEnv = {}) => {
      const r = spawnSync(process.execPath, [CLI, ...ARGS], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home, ...extra } });
      assert.equal(r.stderr, '');
      return r;
    };
    const dir = join(home, 'infra-review', 'code-cache');
    const off = run({ INFRA_REVIEW_CODE_CACHE: 'off' });
    assert.ok(!existsSync(dir), 'nothing written with the cache off');
    assert.equal(off.status, 1);
    assert.ok((JSON.parse(off.stdout) as { findings: unknown[] }).findings.length > 0);

    const first = run();
    const files = readdirSync(dir);
    assert.equal(files.length, 1);
    const cache = join(dir, files[0]);
    const written = { size: statSync(cache).size, mtime: statSync(cache).mtimeMs, bytes: readFileSync(cache) };
    assert.ok(written.size > 100_000, `a cache of the whole bundle's code (${written.size} bytes)`);

    const second = run();
    // Read, not written again.
    assert.equal(statSync(cache).mtimeMs, written.mtime);
    assert.deepEqual(readFileSync(cache), written.bytes);
    for (const r of [first, second]) {
      assert.equal(r.status, off.status);
      assert.equal(r.stdout, off.stdout);
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('the server bundle has no dynamic import(): compiled through vm.Script, it would have no loader to call', () => {
  const bundle = readFileSync(join(REPO_ROOT, 'dist/server.js'), 'utf8');
  assert.deepEqual(bundle.match(/\bimport\s*\(/g) ?? [], []);
});
