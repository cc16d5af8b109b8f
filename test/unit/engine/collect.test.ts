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
