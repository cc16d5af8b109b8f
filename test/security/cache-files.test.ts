/**
 * The DNS cache is the only file infra-review writes on its own. Concurrent writers (a CLI run
 * and the editor at once) never leave a torn or foreign file behind, and a corrupt, foreign,
 * other-version or unreadable cache file is discarded with a note, never fatal.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { DnsCache } from '../../server/src/dns/cache';
import { openDnsView } from '../../server/src/engine/dns-setup';
import { CLI, EXAMPLES, REPO_ROOT } from '../support/paths';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'infra-review-cache-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) {
    try {
      chmodSync(d, 0o700);
    } catch {
      /* gone */
    }
    rmSync(d, { recursive: true, force: true });
  }
});

const entry = (name: string, at: number) => ({ name, type: 'A' as const, status: 'records' as const, records: [{ name, type: 'A' as const, ttl: 300, data: '192.0.2.1' }], chain: [], fetchedAt: at, ttl: 300 });

/** A writer process: loads, adds its entries, saves, many times over. */
const WRITER = `
const { DnsCache } = require(${JSON.stringify(resolve(REPO_ROOT, 'out/server/src/dns/cache.js'))});
(async () => {
  const [path, tag, rounds] = process.argv.slice(1);
  for (let i = 0; i < Number(rounds); i++) {
    const c = await DnsCache.load(path);
    c.put({ name: tag + i + '.example.test', type: 'A', status: 'records', records: [{ name: tag + i + '.example.test', type: 'A', ttl: 300, data: '192.0.2.1' }], chain: [], fetchedAt: Date.now(), ttl: 3600 });
    await c.save();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('DNS cache file', () => {
  it('two processes saving at once: every intermediate and final file is a whole cache; no temp file left', async () => {
    const dir = tempDir();
    const path = join(dir, 'dns-cache.json');
    const run = (tag: string) =>
      new Promise<number>((res) => {
        const p = spawn(process.execPath, ['-e', WRITER, path, tag, '60'], { stdio: ['ignore', 'ignore', 'inherit'] });
        p.on('exit', (code) => res(code ?? 1));
      });
    // A reader polling meanwhile must never see a torn file.
    let reads = 0;
    let torn = 0;
    let stop = false;
    const reader = (async () => {
      while (!stop) {
        try {
          const c = await DnsCache.load(path);
          reads++;
          if (c.discarded) torn++;
        } catch {
          torn++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const codes = await Promise.all([run('a'), run('b')]);
    stop = true;
    await reader;
    assert.deepEqual(codes, [0, 0]);
    assert.equal(torn, 0, `${torn} of ${reads} reads saw a torn or foreign file`);
    const final = await DnsCache.load(path);
    assert.equal(final.discarded, undefined);
    assert.ok(final.size >= 1);
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'dns-cache.json'), [], 'no temp files left');
    const mode = (await import('node:fs')).statSync(path).mode & 0o777;
    assert.equal(mode, 0o600, 'private to the user');
  });

  const BAD: [string, string | Buffer][] = [
    ['empty', ''],
    ['binary junk', Buffer.from([0, 255, 1, 2, 0xfe, 0xff, 0x80])],
    ['truncated JSON', '{"format":"infra-review-dns-cache","version":1,"entries":[{"name":"a"'],
    ['another format', JSON.stringify({ format: 'something-else', version: 1, entries: [] })],
    ['another version', JSON.stringify({ format: 'infra-review-dns-cache', version: 99, entries: [] })],
    ['entries not a list', JSON.stringify({ format: 'infra-review-dns-cache', version: 1, entries: { a: 1 } })],
    ['JSON null', 'null'],
    ['a JSON string', '"infra-review-dns-cache"'],
    ['deeply nested JSON', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['prototype keys', '{"__proto__":{"polluted":true},"format":"infra-review-dns-cache","version":1,"entries":[]}'],
  ];
  for (const [what, content] of BAD) {
    it(`${what}: discarded (or empty), never fatal; the next save replaces it`, async () => {
      const dir = tempDir();
      const path = join(dir, 'dns-cache.json');
      writeFileSync(path, content);
      const c = await DnsCache.load(path);
      assert.equal(c.size, 0);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      c.put(entry('x.example.test', Date.now()));
      await c.save();
      const again = await DnsCache.load(path);
      assert.equal(again.discarded, undefined);
      assert.equal(again.size, 1);
    });
  }

  it('foreign entries inside a valid file are dropped one by one; good ones kept', async () => {
    const dir = tempDir();
    const path = join(dir, 'dns-cache.json');
    const good = entry('good.example.test', Date.now());
    const entries = [
      good,
      { ...good, name: 42 },
      { ...good, type: 'HINFO' },
      { ...good, status: 'maybe' },
      { ...good, records: [{ name: 'x', type: 'MX', ttl: 1, data: 'not an object' }] },
      { ...good, status: 'cname' },
      null,
      'string',
      [1, 2],
    ];
    writeFileSync(path, JSON.stringify({ format: 'infra-review-dns-cache', version: 1, entries }));
    const c = await DnsCache.load(path);
    assert.equal(c.size, 1);
    assert.ok(c.get('good.example.test', 'A'));
  });

  it('a directory, a dangling symlink or an unreadable file where the cache should be: discarded; closing the view only logs', async () => {
    const cases: ((dir: string) => void)[] = [
      (d) => mkdirSync(join(d, 'dns-cache.json')),
      (d) => symlinkSync(join(d, 'nowhere', 'x.json'), join(d, 'dns-cache.json')),
    ];
    if (process.getuid?.() !== 0) cases.push((d) => (writeFileSync(join(d, 'dns-cache.json'), '{}'), chmodSync(join(d, 'dns-cache.json'), 0o000)));
    for (const make of cases) {
      const dir = tempDir();
      make(dir);
      const logs: string[] = [];
      const opened = await openDnsView({ mode: 'live', zoneFiles: [], resolvers: ['127.0.0.1:9'], cacheDir: dir, log: (m) => logs.push(m) });
      opened.view.cache.put(entry('y.example.test', Date.now()));
      await opened.close(); // must not throw, whatever is in the way
      assert.ok(logs.length <= 2, logs.join('\n'));
    }
  });

  it('CLI with a corrupt cache: a note on stderr, the review runs as usual', () => {
    const cache = tempDir();
    mkdirSync(join(cache, 'infra-review'), { recursive: true });
    writeFileSync(join(cache, 'infra-review', 'dns-cache.json'), '{ not json');
    const r = spawnSync(process.execPath, [CLI, 'check', EXAMPLES, '--dns', 'cache', '--format', 'json'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.ok(Array.isArray((JSON.parse(r.stdout) as { findings: unknown[] }).findings));
    assert.match(r.stderr, /discarded/);
    // Mode cache never writes: the corrupt file is left for the user to see.
    assert.equal(readFileSync(join(cache, 'infra-review', 'dns-cache.json'), 'utf8'), '{ not json');
  });
});
