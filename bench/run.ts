/**
 * `npm run bench [-- --quick] [-- --check] [-- --no-write]`: every benchmark of
 * docs/benchmarks.md in one run, each figure beside a baseline measured in the same run
 * (this machine is shared and its speed varies: ratios are what is compared).
 *
 *   cold     `infra-review check` on 100/400/1,600 hosts vs a process that only parses the .nix files
 *   peers    `nix-instantiate --parse` over the same files; `postconf -n` on the 300-line main.cf
 *   editing  didChange → published diagnostics through the language server; engine-level edits
 *   startup  server spawn → first diagnostics of an opened file; resident size with 1,600 hosts
 *   dns      live DNS for the 1,600-host fleet against knotd on loopback vs dns.promises.Resolver
 *
 * `--check` exits 1 when a budget fails. Timed assertions live here, never in unit tests.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFleet, type FleetLayout } from './fleet';
import { BenchLsp } from './lsp-session';
import { median, summary, timeProcess, type ProcResult } from './stats';
import { editBench, type EngineEditResult } from './engine-edits';
import { renderReport, type BenchResults, type Budget } from './report';

const REPO = resolve(__dirname, '../..');
const CLI = join(REPO, 'bin/infra-review.js');
const SERVER = join(REPO, 'dist/server.js');
const FLOOR = join(__dirname, 'parse-floor.js');
const DNS_WORKER = join(__dirname, 'dns-worker.js');

const args = new Set(process.argv.slice(2));
const QUICK = args.has('--quick');
const CHECK = args.has('--check');
const WRITE = !args.has('--no-write') && !QUICK && !process.argv.some((a) => a.startsWith('--only='));
const SIZES = QUICK ? [20, 40, 80] : [100, 400, 1600];
/** Cold runs per fleet size, check and floor interleaved (five: the ratio moved by a third between runs of three). */
const REPS = QUICK ? 1 : 5;
const EDITS = QUICK ? 30 : 300;
const SEED = 20261121;
/** Passes over the DNS questions per process (see dnsBench): one warm-up, five steady. */
const DNS_PASSES = 6;
/** `--only=cold,dns`: a subset, for working on one figure (never written to the docs). */
const ONLY = new Set(process.argv.slice(2).filter((a) => a.startsWith('--only=')).flatMap((a) => a.slice(7).split(',')));
const wanted = (part: string) => ONLY.size === 0 || ONLY.has(part);

/** The commit measured (set INFRA_REVIEW_BENCH_COMMIT when running a copy outside the checkout). */
function gitCommit(): string {
  if (process.env.INFRA_REVIEW_BENCH_COMMIT) return process.env.INFRA_REVIEW_BENCH_COMMIT;
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

function log(m: string): void {
  process.stderr.write(`[bench] ${m}\n`);
}

function findTool(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin']) if (d && existsSync(join(d, name))) return join(d, name);
  return undefined;
}

function nixFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) nixFiles(p, out);
    else if (e.name.endsWith('.nix')) out.push(p);
  }
  return out.sort();
}

function must(r: ProcResult, what: string): ProcResult {
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}: ${r.stderr.slice(0, 2000)}`);
  return r;
}

/** Isolated HOME/XDG cache per run, so no process sees another's DNS cache. */
function isolatedEnv(work: string): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(work, 'home-'));
  return { ...process.env, HOME: home, XDG_CACHE_HOME: join(home, '.cache') };
}

async function coldBench(work: string, fleets: Map<number, FleetLayout>): Promise<BenchResults['cold']> {
  const env = isolatedEnv(work);
  const rows: BenchResults['cold'] = [];
  const checkArgs = (root: string) => [CLI, 'check', root, '--dns', 'off', '--format', 'json', '--fail-on', 'never'];
  // As a user's first run does, an untimed run writes the CLI's code cache (compiled code only,
  // server/src/cli/code-cache.ts); the timed runs below start from it, and the same runs
  // without it are reported beside them.
  must(await timeProcess(process.execPath, checkArgs(fleets.get(SIZES[0])!.root), { env }), 'check (writing the code cache)');
  const noCodeCache = { ...env, INFRA_REVIEW_CODE_CACHE: 'off' };
  for (const n of SIZES) {
    const root = fleets.get(n)!.root;
    const check: number[] = [];
    const checkNoCache: number[] = [];
    const floor: number[] = [];
    let internalErrors = 0;
    let findings = 0;
    // Interleaved, so that load on the machine hits all alike.
    for (let r = 0; r < REPS; r++) {
      floor.push(must(await timeProcess(process.execPath, [FLOOR, root], { env }), 'parse floor').ms);
      const c = must(await timeProcess(process.execPath, checkArgs(root), { env }), 'check');
      check.push(c.ms);
      const uncached = must(await timeProcess(process.execPath, checkArgs(root), { env: noCodeCache }), 'check without code cache');
      if (uncached.stdout !== c.stdout) throw new Error('check printed other findings without the code cache');
      checkNoCache.push(uncached.ms);
      const json = JSON.parse(c.stdout) as { findings: { rule: string }[] };
      findings = json.findings.length;
      internalErrors = json.findings.filter((f) => f.rule === 'internal-error').length;
    }
    const files = nixFiles(root).length;
    rows.push({ hosts: n, nixFiles: files, checkMs: median(check), checkNoCacheMs: median(checkNoCache), floorMs: median(floor), checkRuns: check, floorRuns: floor, findings, internalErrors });
    log(`cold ${n} hosts: check ${median(check).toFixed(0)} ms (${median(checkNoCache).toFixed(0)} without code cache), floor ${median(floor).toFixed(0)} ms`);
  }
  return rows;
}

async function peersBench(work: string, fleets: Map<number, FleetLayout>, edit: FleetLayout): Promise<BenchResults['peers']> {
  const out: BenchResults['peers'] = {};
  const env = isolatedEnv(work);
  const nix = findTool('nix-instantiate');
  const largest = fleets.get(SIZES[SIZES.length - 1])!.root;
  if (nix) {
    const files = nixFiles(largest);
    let ms = 0;
    // One process per 500 files (argv size), one after the other.
    for (let i = 0; i < files.length; i += 500) ms += must(await timeProcess(nix, ['--parse', ...files.slice(i, i + 500)], { env }), 'nix-instantiate').ms;
    const floor = must(await timeProcess(process.execPath, [FLOOR, largest], { env }), 'parse floor').ms;
    out.nixInstantiate = { files: files.length, ms, floorMs: floor };
    log(`nix-instantiate --parse ${files.length} files: ${ms.toFixed(0)} ms (floor ${floor.toFixed(0)} ms)`);
  } else log('nix-instantiate not found (Debian nix-bin): peer skipped');
  const postconf = findTool('postconf');
  if (postconf && edit.bigMainCf) {
    const dir = join(edit.root, 'legacy/relay-big');
    const main = join(dir, 'main.cf');
    const pc: number[] = [];
    const ours: number[] = [];
    for (let r = 0; r < (QUICK ? 3 : 15); r++) {
      pc.push(must(await timeProcess(postconf, ['-c', dir, '-n'], { env }), 'postconf').ms);
      ours.push((await timeProcess(process.execPath, [CLI, 'check', main, '--dns', 'off', '--fail-on', 'never'], { env })).ms);
    }
    // In-process parse cost of the same file (what an edit pays), beside the process figures.
    const { parseMainCf } = require('../server/src/postfix/main-cf') as typeof import('../server/src/postfix/main-cf');
    const { locatorFor } = require('../server/src/core/source') as typeof import('../server/src/core/source');
    const text = readFileSync(main, 'utf8');
    const t0 = performance.now();
    const loops = 200;
    for (let i = 0; i < loops; i++) parseMainCf(text, locatorFor({ path: main, kind: 'postfix-main', text: text + ' '.repeat(i % 2) }));
    out.postconf = { lines: text.split('\n').length - 1, postconfMs: median(pc), checkMs: median(ours), parseMs: (performance.now() - t0) / loops };
    log(`postconf -n: ${median(pc).toFixed(1)} ms, check main.cf ${median(ours).toFixed(1)} ms`);
  } else log('postconf not found (Debian postfix): peer skipped');
  return out;
}

function debounceMs(): number {
  // The server's own trailing debounce (scheduler.ts), read from the class rather than copied.
  const { AnalysisScheduler } = require('../server/src/lsp/scheduler') as typeof import('../server/src/lsp/scheduler');
  const s = new AnalysisScheduler(async () => undefined, () => undefined) as unknown as { delayMs: number };
  return s.delayMs;
}

/** Realistic typing: toggles one digit inside a value, so every version stays valid. */
function digitEdits(text: string, pattern: RegExp, count: number): { line: number; character: number }[] {
  const lines = text.split('\n');
  const spots: { line: number; character: number }[] = [];
  lines.forEach((l, i) => {
    const m = pattern.exec(l);
    if (m) spots.push({ line: i, character: m.index + m[0].length - 1 });
  });
  if (!spots.length) throw new Error(`no edit spot matches ${pattern}`);
  return Array.from({ length: count }, (_, k) => spots[(k * 7919) % spots.length]);
}

async function lspEdits(lsp: BenchLsp, path: string, languageId: string, pattern: RegExp, count: number): Promise<number[]> {
  const { uri, text } = lsp.open(path, languageId);
  await lsp.diagnostics(uri, 1);
  const lines = text.split('\n');
  const times: number[] = [];
  for (const spot of digitEdits(text, pattern, count)) {
    const current = lines[spot.line][spot.character];
    const next = current === '1' ? '2' : '1';
    lines[spot.line] = lines[spot.line].slice(0, spot.character) + next + lines[spot.line].slice(spot.character + 1);
    const range = { start: spot, end: { line: spot.line, character: spot.character + 1 } };
    const t0 = performance.now();
    const version = lsp.change(uri, range, next);
    await lsp.diagnostics(uri, version);
    times.push(performance.now() - t0);
  }
  return times;
}

async function editingBench(work: string, edit: FleetLayout): Promise<BenchResults['editing']> {
  const env = isolatedEnv(work);
  const debounce = debounceMs();
  const spawnAt = performance.now();
  const lsp = await BenchLsp.start(SERVER, edit.root, env);
  const open = lsp.open(join(edit.root, edit.bigModule!), 'nix');
  await lsp.diagnostics(open.uri, 1);
  const startupMs = performance.now() - spawnAt;
  lsp.connection.sendNotification('textDocument/didClose', { textDocument: { uri: open.uri } });
  log(`editing: server up, first diagnostics after ${startupMs.toFixed(0)} ms`);
  const module = await lspEdits(lsp, join(edit.root, edit.bigModule!), 'nix', /proxyPass = "http:\/\/127\.0\.0\.1:\d+/, EDITS);
  log(`editing: module p50 ${summary(module).p50.toFixed(0)} ms`);
  const mainCf = await lspEdits(lsp, join(edit.root, edit.bigMainCf!), 'postfix-main-cf', /_limit = \d+/, EDITS);
  log(`editing: main.cf p50 ${summary(mainCf).p50.toFixed(0)} ms`);
  const shared = await lspEdits(lsp, join(edit.root, edit.commonModule), 'nix', /port = \d+/, Math.max(10, EDITS / 10));
  log(`editing: common module p50 ${summary(shared).p50.toFixed(0)} ms`);
  await lsp.stop();
  const engine: EngineEditResult = await editBench(edit, EDITS);
  return { hosts: SIZES[0], debounceMs: debounce, startupMs, module, mainCf, shared, engine };
}

async function scaleBench(work: string, fleet: FleetLayout): Promise<BenchResults['scale']> {
  const env = isolatedEnv(work);
  const spawnAt = performance.now();
  const lsp = await BenchLsp.start(SERVER, fleet.root, env);
  const path = join(fleet.root, 'hosts/h0000/default.nix');
  const { uri } = lsp.open(path, 'nix');
  await lsp.diagnostics(uri, 1);
  const startupMs = performance.now() - spawnAt;
  const rssBytes = lsp.rssBytes();
  log(`scale: ${fleet.hostNames.length} hosts, first diagnostics ${startupMs.toFixed(0)} ms, RSS ${(rssBytes / 2 ** 20).toFixed(0)} MB`);
  const shared = await lspEdits(lsp, join(fleet.root, fleet.commonModule), 'nix', /port = \d+/, QUICK ? 3 : 5);
  const rssAfterEdits = lsp.rssBytes();
  await lsp.stop();
  return { hosts: fleet.hostNames.length, startupMs, rssBytes, rssAfterEdits, shared };
}

interface KnotModule {
  startKnot(knotd: string, zones: { origin: string; file: string }[]): Promise<{ address: string; stop(): Promise<void> }>;
}

async function dnsBench(work: string, fleet: FleetLayout): Promise<BenchResults['dns']> {
  const knotd = findTool('knotd');
  const knotJs = join(REPO, 'out/test/support/knot.js');
  if (!knotd || !existsSync(knotJs)) {
    log('knotd not found (Debian knot) or tests not built: DNS skipped');
    return undefined;
  }
  // The tests' harness: knotd on a free loopback port, ready when it answers.
  const { startKnot } = require(knotJs) as KnotModule;
  const zones = [...fleet.files.keys()].filter((f) => f.startsWith('dns/')).map((f) => ({ origin: f.slice(4, -'.zone'.length), file: join(fleet.root, f) }));
  const knot = await startKnot(knotd, zones);
  try {
    // Zone files are left out of the analysed paths: every answer has to come over the wire.
    const paths = ['hosts', 'modules', 'stacks', 'legacy'].map((p) => join(fleet.root, p));
    const env = isolatedEnv(work);
    let argFiles = 0;
    const worker = async (a: object) => {
      const file = join(work, `dns-args-${argFiles++}.json`);
      writeFileSync(file, JSON.stringify(a));
      return JSON.parse(must(await timeProcess(process.execPath, [DNS_WORKER, `@${file}`], { env }), 'dns worker').stdout);
    };
    const coldRuns: { analyzeMs: number; sent: number; questions: [string, string][] }[] = [];
    const warmRuns: { analyzeMs: number; sent: number }[] = [];
    const offline: number[] = [];
    for (let r = 0; r < (QUICK ? 1 : 2); r++) {
      const cacheDir = mkdtempSync(join(work, 'dnscache-'));
      coldRuns.push(await worker({ mode: 'analyze', paths, resolver: knot.address, cacheDir, concurrency: 8 }));
      warmRuns.push(await worker({ mode: 'analyze', paths, resolver: knot.address, cacheDir, concurrency: 8 }));
      // The same analysis answered by the zone files (same answers, no network): the non-DNS part.
      offline.push((await worker({ mode: 'analyze', paths, zones: zones.map((z) => z.file), dns: 'off', resolver: knot.address, concurrency: 8 })).analyzeMs);
    }
    const questions = [...new Map(coldRuns[0].questions.map((q) => [q.join(' '), q] as const)).values()];
    // Each process runs DNS_PASSES passes: the first is reported as the cold figure (JIT
    // warm-up included, which only the JavaScript side pays), the median of the others is
    // the steady state.
    const replay: number[] = [];
    const baseline: number[] = [];
    const replayFirst: number[] = [];
    const baselineFirst: number[] = [];
    for (let r = 0; r < (QUICK ? 1 : 5); r++) {
      const b = (await worker({ mode: 'baseline', resolver: knot.address, questions, concurrency: 8, passes: DNS_PASSES })) as { ms: number; passes: number[] };
      const v = (await worker({ mode: 'replay', resolver: knot.address, questions, concurrency: 8, passes: DNS_PASSES })) as { ms: number; passes: number[] };
      baseline.push(b.ms);
      replay.push(v.ms);
      baselineFirst.push(b.passes[0]);
      replayFirst.push(v.passes[0]);
    }
    const res = {
      hosts: fleet.hostNames.length,
      questions: questions.length,
      coldAnalyzeMs: median(coldRuns.map((c) => c.analyzeMs)),
      warmAnalyzeMs: median(warmRuns.map((c) => c.analyzeMs)),
      warmSent: Math.max(...warmRuns.map((c) => c.sent)),
      coldSent: coldRuns[0].sent,
      offlineAnalyzeMs: median(offline),
      replayMs: median(replay),
      baselineMs: median(baseline),
      passes: DNS_PASSES,
      replayFirstMs: median(replayFirst),
      baselineFirstMs: median(baselineFirst),
      replayRuns: replay,
      baselineRuns: baseline,
    };
    log(`dns: ${questions.length} questions, replay ${res.replayMs.toFixed(0)} ms vs baseline ${res.baselineMs.toFixed(0)} ms; warm sent ${res.warmSent}`);
    return res;
  } finally {
    await knot.stop();
  }
}

function budgets(r: BenchResults): Budget[] {
  const out: Budget[] = [];
  const big = r.cold[r.cold.length - 1];
  const small = r.cold[0];
  out.push({ name: `cold check at ${big.hosts} hosts vs parse floor`, value: big.checkMs / big.floorMs, limit: 2.5 });
  out.push({ name: `per-host cost at ${big.hosts} vs ${small.hosts} hosts`, value: big.checkMs / big.hosts / (small.checkMs / small.hosts), limit: 1.3 });
  const lspP95 = summary(r.editing.module).p95 - r.editing.debounceMs;
  out.push({ name: 'LSP edit → diagnostics p95, 2,000-line module (minus debounce), ms', value: lspP95, limit: 20 });
  out.push({ name: 'engine edit → findings p95, 2,000-line module, ms', value: summary(r.editing.engine.module).p95, limit: 20 });
  out.push({ name: 'edit re-analyses only affected hosts (hosts re-analysed per module edit)', value: r.editing.engine.hostsPerModuleEdit, limit: r.editing.engine.hostsImportingModule });
  if (r.dns) {
    out.push({ name: `live DNS, same questions: engine view vs dns.promises.Resolver (median of passes 2–${r.dns.passes} in one process)`, value: r.dns.replayMs / r.dns.baselineMs, limit: 1.3 });
    out.push({ name: 'warm run: questions on the wire', value: r.dns.warmSent, limit: 0 });
  }
  out.push({ name: `server RSS with ${r.scale.hosts} hosts, MB`, value: r.scale.rssBytes / 2 ** 20, limit: 400 });
  return out;
}

async function main(): Promise<void> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} missing: run 'npm run build' first`);
  const work = mkdtempSync(join(tmpdir(), 'infra-review-bench-'));
  log(`work dir ${work}${QUICK ? ' (quick)' : ''}`);
  try {
    const fleets = new Map<number, FleetLayout>();
    for (const n of SIZES) fleets.set(n, writeFleet(join(work, `fleet-${n}`), { hosts: n, seed: SEED }));
    const edit = writeFleet(join(work, 'fleet-edit'), { hosts: SIZES[0], seed: SEED, bigFiles: true });
    const largest = fleets.get(SIZES[SIZES.length - 1])!;
    const started = new Date();
    const none: number[] = [];
    const cold = wanted('cold') ? await coldBench(work, fleets) : SIZES.map((hosts) => ({ hosts, nixFiles: 0, checkMs: NaN, checkNoCacheMs: NaN, floorMs: NaN, checkRuns: none, floorRuns: none, findings: 0, internalErrors: 0 }));
    const peers = wanted('peers') ? await peersBench(work, fleets, edit) : {};
    const noEngine: EngineEditResult = { firstMs: NaN, module: none, mainCf: none, shared: none, hostsPerModuleEdit: NaN, hostsImportingModule: NaN, hostsPerSharedEdit: NaN, hostsImportingShared: NaN, hostsPerMainCfEdit: NaN, rulesHostsPerModuleEdit: NaN, rulesHostsPerSharedEdit: NaN, rulesHostsPerMainCfEdit: NaN, hosts: NaN };
    const editing = wanted('editing') ? await editingBench(work, edit) : { hosts: SIZES[0], debounceMs: NaN, startupMs: NaN, module: none, mainCf: none, shared: none, engine: noEngine };
    const scale = wanted('scale') ? await scaleBench(work, largest) : { hosts: largest.hostNames.length, startupMs: NaN, rssBytes: NaN, rssAfterEdits: NaN, shared: none };
    const dns = wanted('dns') ? await dnsBench(work, largest) : undefined;
    const results: BenchResults = {
      date: started.toISOString(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGb: Math.round(totalmem() / 2 ** 30), node: process.version, load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '), commit: gitCommit() },
      quick: QUICK,
      seed: SEED,
      cold,
      peers,
      editing,
      scale,
      ...(dns ? { dns } : {}),
    };
    const b = budgets(results);
    const report = renderReport(results, b);
    process.stdout.write(report.table + '\n');
    writeFileSync(join(work, 'results.json'), JSON.stringify(results, null, 1));
    if (WRITE) {
      const doc = join(REPO, 'docs/benchmarks.md');
      const before = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
      writeFileSync(doc, report.splice(before));
      mkdirSync(join(REPO, 'docs'), { recursive: true });
      log(`wrote docs/benchmarks.md (raw results: ${join(work, 'results.json')})`);
    }
    const failed = b.filter((x) => !(x.value <= x.limit));
    for (const x of b) log(`${x.value <= x.limit ? 'PASS' : 'FAIL'} ${x.name}: ${x.value.toFixed(2)} (limit ${x.limit})`);
    if (CHECK && failed.length) process.exitCode = 1;
  } finally {
    if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`[bench] failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});

