/**
 * A misbehaving DNS server on loopback (test/support/bad-dns-server.ts). For each behaviour:
 * the DNS view answers "unknown" within its timeout budget (never a guess, never a hang), and
 * the engine raises no finding from the failure: its findings equal those of a run where DNS
 * knows nothing at all. CNAME and SPF include loops end promptly as loop/permerror.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Finding } from '../../server/src/core/finding';
import type { SourceFile } from '../../server/src/core/source';
import { createDnsView } from '../../server/src/dns/view';
import { ZoneSet } from '../../server/src/dns/zones';
import { collectFiles } from '../../server/src/engine/collect';
import { analyze } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { BAD_MODES, startBadDnsServer, type BadDnsServer, type BadMode } from '../support/bad-dns-server';
import { EXAMPLES } from '../support/paths';

const TIMEOUT_MS = 400;
/** UDP budget, then the same again over TCP after truncation, plus a generous margin for a busy machine. */
const BOUND_MS = 2 * TIMEOUT_MS + 4000;

const FAILING: readonly BadMode[] = BAD_MODES.filter((m) => m !== 'spf-loop');

describe('a misbehaving DNS server: the view answers unknown in time', () => {
  const servers = new Map<BadMode, BadDnsServer>();
  before(async () => {
    for (const m of BAD_MODES) servers.set(m, await startBadDnsServer(m, { slowMs: 3000 }));
  });
  after(async () => {
    for (const s of servers.values()) await s.close();
  });

  const viewFor = (m: BadMode) => createDnsView({ mode: 'live', zones: new ZoneSet(), resolvers: [servers.get(m)!.address], timeoutMs: TIMEOUT_MS });

  for (const mode of FAILING) {
    it(`${mode}: A, MX, TXT, PTR and reverse are unknown within the budget`, async () => {
      const view = viewFor(mode);
      const t0 = performance.now();
      const answers = await Promise.all([
        view.query('mail.example.test', 'A'),
        view.query('example.test', 'MX'),
        view.query('example.test', 'TXT'),
        view.query('25.2.0.192.in-addr.arpa', 'PTR'),
      ]);
      const reverse = await view.reverse('192.0.2.25');
      const ms = performance.now() - t0;
      for (const a of answers) assert.equal(a.status, 'unknown', `${mode}: ${JSON.stringify(a)}`);
      assert.equal(reverse.confirmed, 'unknown');
      assert.ok(ms < 2 * BOUND_MS, `${mode} took ${Math.round(ms)} ms`);
      assert.ok(servers.get(mode)!.queries.length > 0, 'the server was asked');
      if (mode === 'cname-loop') assert.equal((answers[0] as { reason?: string }).reason, 'loop');
      if (mode === 'huge') assert.equal((answers[0] as { reason?: string }).reason, 'too-large');
      if (mode === 'servfail') assert.equal((answers[0] as { reason?: string }).reason, 'servfail');
      if (mode === 'refused') assert.equal((answers[0] as { reason?: string }).reason, 'refused');
    });
  }

  it('SPF include loop: permerror (what receivers see) promptly, never a hang', async () => {
    const view = viewFor('spf-loop');
    const t0 = performance.now();
    const r = await view.spf('192.0.2.25', 'spf-a.example.test');
    assert.equal(r.verdict, 'permerror');
    assert.match(r.detail ?? '', /loop|more than/);
    assert.ok(performance.now() - t0 < BOUND_MS);
  });

  it('mixed: a failing first resolver, a good second one: the answer comes from the good one', async () => {
    const good = await startBadDnsServer('good');
    try {
      const view = createDnsView({ mode: 'live', zones: new ZoneSet(), resolvers: [servers.get('silent')!.address, good.address], timeoutMs: 1000 });
      const a = await view.query('mail.example.test', 'A');
      assert.equal(a.status, 'records');
    } finally {
      await good.close();
    }
  });
});

describe('a misbehaving DNS server: the engine raises no finding from a failure', () => {
  const key = (f: Finding) => `${f.rule} ${f.at.file}:${f.at.range.start.line}:${f.at.range.start.character}`;
  let files: SourceFile[];
  let baseline: string[];
  const dirs: string[] = [];

  const run = async (config: WorkspaceConfig) => {
    const dns = await createDns(config, []);
    try {
      return (await analyze(files, analyzeOptionsFor(config, dns.view))).findings.map(key);
    } finally {
      await dns.close();
    }
  };
  const tempDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'infra-review-bad-dns-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    // Without the zone files every name goes to the (bad) resolver.
    files = collectFiles([EXAMPLES]).files.filter((f) => f.kind !== 'zone');
    baseline = await run({ root: EXAMPLES, dns: 'cache', resolvers: [], rules: new Map(), cacheDir: tempDir() });
    assert.ok(baseline.length > 0, 'the examples have findings without DNS');
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const mode of FAILING) {
    it(`${mode}: the same findings as with no DNS knowledge at all`, { timeout: 60_000 }, async () => {
      const server = await startBadDnsServer(mode, { slowMs: 3000 });
      try {
        const t0 = performance.now();
        const got = await run({ root: EXAMPLES, dns: 'live', resolvers: [server.address], rules: new Map(), cacheDir: tempDir(), timeoutMs: TIMEOUT_MS });
        assert.ok(server.queries.length > 0);
        assert.deepEqual(got, baseline);
        assert.ok(performance.now() - t0 < 40_000);
      } finally {
        await server.close();
      }
    });
  }
});
