import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyFile } from '../../../server/src/core/files';
import { collectFiles } from '../../../server/src/engine/collect';

test('db.* is a BIND zone file, but not a database or backup that starts with db.', () => {
  assert.equal(classifyFile('/r/dns/db.example.test'), 'zone');
  assert.equal(classifyFile('/r/dns/db.2.0.192.in-addr.arpa'), 'zone');
  for (const name of ['db.db', 'db.sqlite', 'db.sqlite3', 'db.json', 'db.example.test.bak']) assert.equal(classifyFile(`/r/${name}`), undefined, name);
});

test('binary files with a matching name are skipped with a reason, text files are read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-collect-'));
  try {
    writeFileSync(join(dir, 'db.cache'), Buffer.from([0x53, 0x51, 0x4c, 0x00, 0x01, 0x02]));
    writeFileSync(join(dir, 'db.example.test'), '$ORIGIN example.test.\n@ 300 IN SOA ns hm 1 2 3 4 5\n');
    const { files, skipped } = collectFiles([dir]);
    assert.deepEqual(files.map((f) => f.path.slice(dir.length + 1)), ['db.example.test']);
    assert.equal(skipped.length, 1);
    assert.match(skipped[0].reason, /binary/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('oversized files are skipped with a notice, not read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-collect-'));
  try {
    writeFileSync(join(dir, 'main.cf'), `myhostname = mx.example.test\n${'#'.repeat(2000)}\n`);
    const { files, skipped } = collectFiles([dir], { maxFileBytes: 1000 });
    assert.deepEqual(files, []);
    assert.match(skipped[0].reason, /larger than 1000 bytes/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('files are read whole up to the size limit, exactly at it too, and skipped one byte over it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-collect-'));
  try {
    const line = 'myhostname = mx.example.test\n';
    // Larger than the reader's first buffer, so that it grows.
    const big = line.repeat(Math.ceil(200_000 / line.length));
    writeFileSync(join(dir, 'main.cf'), big);
    writeFileSync(join(dir, 'db.example.test'), '; é\n'.repeat(10));
    const limit = Buffer.byteLength(big);
    const read = collectFiles([dir], { maxFileBytes: limit });
    assert.deepEqual(read.skipped, []);
    assert.deepEqual(read.files.map((f) => f.text), ['; é\n'.repeat(10), big]);
    const over = collectFiles([dir], { maxFileBytes: limit - 1 });
    assert.deepEqual(over.files.map((f) => f.path.slice(dir.length + 1)), ['db.example.test']);
    assert.match(over.skipped[0].reason, new RegExp(`larger than ${limit - 1} bytes`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
