/**
 * The offline workflow end to end, on the real CLI against a real DNS server (knotd on
 * loopback): `dns snapshot` while DNS is up, then `check --dns off` with DNS down gives the
 * findings a live check gave. The test repository is a copy of examples/ whose acme.example
 * and reverse zones are served by knotd instead of committed (relay.example.zone stays).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startKnot, type KnotServer, type KnotZone } from '../support/knot';
import { CLI, EXAMPLES } from '../support/paths';
import { toolOrSkip } from '../support/tools';

const knotd = toolOrSkip('knotd', 'knot');

function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  range: unknown;
  fixes: unknown[];
}

const SNAPSHOT = 'repo/dns/snapshot.zone';

/**
 * Findings compared across DNS sources: all but where the evidence came from. Messages and fix
 * titles name their source ("live DNS via 127.0.0.1:PORT" vs "zone dns/snapshot.zone:42"), and
 * related locations point at the evidence: a zone record where there is one, else the
 * configuration line that made the rule ask (a live answer has no location). Rule, severity,
 * file, range, message and every fix's edits must be equal.
 */
function comparable(findings: JsonFinding[]): unknown[] {
  const source = /\((?:live DNS via [^)]*|zone dns\/snapshot\.zone(?::\d+)?)\)/g;
  return findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    file: f.file,
    range: f.range,
    message: f.message.replace(source, '(DNS)'),
    fixes: JSON.parse(JSON.stringify(f.fixes).replace(source, '(DNS)')) as unknown,
  }));
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

function originOf(file: string): string {
  const m = /^\$ORIGIN\s+(\S+?)\.?\s*$/m.exec(readFileSync(file, 'utf8'));
  assert.ok(m, `${file} has an $ORIGIN`);
  return m[1];
}

describe('dns snapshot: the offline workflow end to end', { skip: knotd.skip }, () => {
  let work: string;
  let served: KnotZone[];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'infra-review-snapshot-'));
    cpSync(EXAMPLES, join(work, 'repo'), { recursive: true });
    mkdirSync(join(work, 'zones'));
    served = [];
    for (const f of readdirSync(join(work, 'repo/dns'))) {
      if (f === 'relay.example.zone') continue; // stays in the repository: its answers are not snapshotted
      cpSync(join(work, 'repo/dns', f), join(work, 'zones', f));
      rmSync(join(work, 'repo/dns', f));
      served.push({ origin: originOf(join(work, 'zones', f)), file: join(work, 'zones', f) });
    }
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  async function withKnot<T>(zones: KnotZone[], body: (k: KnotServer) => T | Promise<T>): Promise<T> {
    const k = await startKnot(knotd.path!, zones);
    try {
      return await body(k);
    } finally {
      await k.stop();
    }
  }

  const snapshot = (k: KnotServer | undefined, dns: string, cache: string, env: NodeJS.ProcessEnv = {}) =>
    cli(['dns', 'snapshot', 'repo', '--dns', dns, ...(k ? ['--resolver', k.address] : []), '--cache-dir', join(work, cache), '--out', SNAPSHOT], work, env);

  test('snapshot while DNS is up; offline check gives the live findings; deterministic; refresh re-resolves', async () => {
    const before = cli(['check', 'repo', '--dns', 'off', '--format', 'json'], work);
    const { live, first, second } = await withKnot(served, (k) => {
      const live = cli(['check', 'repo', '--dns', 'live', '--resolver', k.address, '--cache-dir', join(work, 'cache-check'), '--format', 'json'], work);
      const first = snapshot(k, 'live', 'cache-a', { SOURCE_DATE_EPOCH: '1700000000' });
      const text1 = readFileSync(join(work, SNAPSHOT), 'utf8');
      const second = snapshot(k, 'live', 'cache-b', { SOURCE_DATE_EPOCH: '1700000000' });
      return { live, first: { ...first, text: text1 }, second: { ...second, text: readFileSync(join(work, SNAPSHOT), 'utf8') } };
    });
    // DNS is down now (knotd stopped): only the snapshot can answer.
    assert.equal(live.code, 1, live.stderr);
    const liveFindings = findings(live.stdout);
    assert.ok(liveFindings.some((f) => /live DNS via 127\.0\.0\.1:\d+/.test(f.message)), 'some findings rest on live answers');

    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /wrote \d+ answers to repo\/dns\/snapshot\.zone/);
    assert.match(first.text, /^; infra-review DNS snapshot, written 2023-11-14T22:13:20\.000Z\./);
    assert.match(first.text, /^\$ORIGIN mail\.acme\.example\.$/m);
    assert.doesNotMatch(first.text, /relay\.example\./, 'answers from the repository\'s own zones are not copied');
    assert.equal(second.text, first.text, 'same DNS, same SOURCE_DATE_EPOCH: the same bytes');

    const offline = cli(['check', 'repo', '--dns', 'off', '--format', 'json'], work);
    assert.equal(offline.code, live.code, offline.stderr);
    assert.deepEqual(comparable(findings(offline.stdout)), comparable(liveFindings));
    assert.notDeepEqual(comparable(findings(before.stdout)), comparable(liveFindings), 'without the snapshot the offline review differs');

    // Without SOURCE_DATE_EPOCH only the header date changes (the cache answers this time).
    const cached = snapshot(undefined, 'cache', 'cache-check');
    assert.equal(cached.code, 0, cached.stderr);
    const text3 = readFileSync(join(work, SNAPSHOT), 'utf8');
    const body = (t: string) => t.split('\n').slice(1).join('\n').replace(/\(DNS mode \w+\)/, '');
    assert.equal(body(text3), body(first.text), 'refresh from the cache: the snapshot is re-resolved, not copied, and equal');

    // A refresh never reads its own output: with no DNS to ask it says so instead of copying.
    const blind = snapshot(undefined, 'off', 'cache-none');
    assert.equal(blind.code, 0);
    assert.match(blind.stderr, /warning: \d+ questions could not be answered/);
    assert.doesNotMatch(readFileSync(join(work, SNAPSHOT), 'utf8'), /^\$ORIGIN mail\.acme\.example\.$/m);
    writeFileSync(join(work, SNAPSHOT), first.text);
  });

  test('after a DNS change, a refresh (even with a warm cache) records the new DNS', async () => {
    // mail.acme.example loses its AAAA: the AAAA-not-on-host finding must go away after a refresh.
    const zones = served.map((z) => {
      if (z.origin !== 'acme.example') return z;
      const changed = join(work, 'changed', 'acme.example.zone');
      mkdirSync(join(work, 'changed'), { recursive: true });
      writeFileSync(changed, readFileSync(z.file, 'utf8').replace(/^mail\s+IN\s+AAAA\s+\S+\n/m, ''));
      return { ...z, file: changed };
    });
    assert.ok(existsSync(join(work, SNAPSHOT)));
    const stale = findings(cli(['check', 'repo', '--dns', 'off', '--format', 'json'], work).stdout);
    assert.ok(stale.some((f) => f.rule === 'aaaa-not-on-host'), 'the old snapshot still has the AAAA');
    const live = await withKnot(zones, (k) => {
      // cache-a holds the old answers, fresh for their TTL: a snapshot must not reuse them.
      const r = snapshot(k, 'live', 'cache-a');
      assert.equal(r.code, 0, r.stderr);
      return cli(['check', 'repo', '--dns', 'live', '--resolver', k.address, '--cache-dir', join(work, 'cache-new'), '--format', 'json'], work);
    });
    const text = readFileSync(join(work, SNAPSHOT), 'utf8');
    assert.match(text, /^\$ORIGIN mail\.acme\.example\.$/m);
    assert.doesNotMatch(text, /AAAA\s+2001:db8:25::25/);
    const offline = findings(cli(['check', 'repo', '--dns', 'off', '--format', 'json'], work).stdout);
    assert.ok(!offline.some((f) => f.rule === 'aaaa-not-on-host'));
    assert.deepEqual(comparable(offline), comparable(findings(live.stdout)));
  });
});
