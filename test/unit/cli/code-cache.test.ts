import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { Script } from 'node:vm';
import { codeCacheDir, codeCacheFile, privateToUser, wrapCommonJs, writeCodeCache } from '../../../server/src/cli/code-cache';

const FLAGS = ['--no-turbo-inlining'];

test('the cache file is keyed by the bundle bytes, the command, the runtime and the flags', () => {
  const a = Buffer.from('console.log(1);');
  const sameLength = Buffer.from('console.log(2);');
  const base = codeCacheFile('/c', a, 'check', FLAGS, 'v20.0.0 x64');
  assert.equal(codeCacheFile('/c', Buffer.from('console.log(1);'), 'check', FLAGS, 'v20.0.0 x64'), base);
  // V8 itself compares only the source's length: a rebuilt bundle of the same length must not
  // find the old bytecode.
  assert.notEqual(codeCacheFile('/c', sameLength, 'check', FLAGS, 'v20.0.0 x64'), base);
  assert.notEqual(codeCacheFile('/c', a, 'model', FLAGS, 'v20.0.0 x64'), base);
  assert.notEqual(codeCacheFile('/c', a, 'check', FLAGS, 'v24.0.0 x64'), base);
  assert.notEqual(codeCacheFile('/c', a, 'check', [], 'v20.0.0 x64'), base);
  assert.match(base, /^\/c\/[0-9a-f]{40}\.v8$/);
});

test('the cache directory follows XDG_CACHE_HOME, and INFRA_REVIEW_CODE_CACHE=off turns it off', () => {
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'infra-review', 'code-cache'));
  assert.equal(codeCacheDir({ XDG_CACHE_HOME: '/x', INFRA_REVIEW_CODE_CACHE: 'off' }), undefined);
});

test('the CommonJS wrapper keeps every position of the file, a #! line included', () => {
  const text = '#!/usr/bin/env node\nthrow new Error("here");\n';
  const wrapped = wrapCommonJs(text);
  assert.ok(wrapped.includes('//' + '/usr/bin/env node\nthrow'));
  assert.equal(wrapped.split('\n').length, text.split('\n').length + 1);
  const fn = new Script(wrapped, { filename: 'bundle.js' }).runInThisContext() as () => void;
  assert.throws(fn, (e: Error) => /bundle\.js:2:7/.test(e.stack ?? ''));
});

test('writing the cache replaces the file whole and keeps only a few caches of other builds', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'ir-code-cache-')), 'code-cache');
  try {
    const old = Array.from({ length: 7 }, (_, i) => join(dir, `old${i}.v8`));
    mkdirSync(dir, { recursive: true });
    old.forEach((f, i) => {
      writeFileSync(f, 'x');
      utimesSync(f, 1000 + i, 1000 + i);
    });
    // A writer that died before its rename long ago, and one writing now.
    writeFileSync(join(dir, 'dead.v8.1.tmp'), 'x');
    utimesSync(join(dir, 'dead.v8.1.tmp'), 1000, 1000);
    writeFileSync(join(dir, 'busy.v8.2.tmp'), 'x');
    const file = join(dir, 'current.v8');
    writeCodeCache(dir, file, { createCachedData: () => Buffer.from('bytecode') });
    assert.equal(readFileSync(file, 'utf8'), 'bytecode');
    // The five newest others stay; no temporary file of this write is left, an old orphan goes.
    assert.deepEqual(readdirSync(dir).sort(), ['busy.v8.2.tmp', 'current.v8', 'old2.v8', 'old3.v8', 'old4.v8', 'old5.v8', 'old6.v8']);
    // A directory that cannot be made is not an error: the next run compiles again.
    writeCodeCache(join(file, 'not-a-dir'), join(file, 'not-a-dir', 'x.v8'), { createCachedData: () => Buffer.from('') });
  } finally {
    rmSync(dirname(dir), { recursive: true, force: true });
  }
});

test('a bundle runs as a CommonJS module: first run writes its code at exit, the next runs from it, a bad file is replaced', () => {
  const root = mkdtempSync(join(tmpdir(), 'ir-code-cache-run-'));
  try {
    const bundle = join(root, 'bundle.js');
    writeFileSync(bundle, '#!/usr/bin/env node\nconst { join } = require("node:path");\nprocess.stdout.write(join(__dirname, "x") === join(__filename, "..", "x") && typeof module.exports === "object" ? "ok" : "bad");\n');
    const dir = join(root, 'cache');
    const run = (cacheDir: string | null = dir) => {
      const module = JSON.stringify(join(__dirname, '../../../server/src/cli/code-cache.js'));
      const driver = `const r = require(${module}).runWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(cacheDir)} ?? undefined, 'check', []); process.stderr.write(String(r.fromCache));`;
      return spawnSync(process.execPath, ['-e', driver], { encoding: 'utf8' });
    };
    const first = run();
    assert.deepEqual([first.stdout, first.stderr, first.status], ['ok', 'false', 0]);
    const [name] = readdirSync(dir);
    assert.match(name, /\.v8$/);
    const second = run();
    assert.deepEqual([second.stdout, second.stderr, second.status], ['ok', 'true', 0]);
    writeFileSync(join(dir, name), 'not bytecode');
    const third = run();
    assert.deepEqual([third.stdout, third.stderr, third.status], ['ok', 'false', 0]);
    assert.notEqual(readFileSync(join(dir, name), 'utf8'), 'not bytecode');
    assert.equal(run().stderr, 'true');
    // V8 runs what it reads: a cache file or directory others can write is neither read nor written.
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600);
    chmodSync(join(dir, name), 0o666);
    assert.ok(!privateToUser(join(dir, name)));
    assert.equal(run().stderr, 'false');
    chmodSync(join(dir, name), 0o600);
    assert.equal(run().stderr, 'true');
    chmodSync(dir, 0o777);
    rmSync(join(dir, name));
    assert.equal(run().stderr, 'false');
    assert.deepEqual(readdirSync(dir), [], 'nothing written into a directory others can write');
    chmodSync(dir, 0o700);
    // Without a directory (INFRA_REVIEW_CODE_CACHE=off) the bundle runs and nothing is written.
    rmSync(dir, { recursive: true });
    const off = run(null);
    assert.deepEqual([off.stdout, off.stderr, off.status], ['ok', 'false', 0]);
    assert.ok(!existsSync(dir));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
