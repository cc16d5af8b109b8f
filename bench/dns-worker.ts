/**
 * One measured DNS run in its own process (`node out/bench/dns-worker.js JSON|@FILE`): opens the
 * fleet with live DNS against the given resolver and cache dir, analyses it, and prints how
 * long it took, how many questions went on the wire, and which (for the baseline to replay).
 * Mode `replay` instead fires a question list through the engine's own DNS view, and mode
 * `baseline` through `dns.promises.Resolver`, both at the same concurrency, `passes` times in
 * the same process (a fresh view or resolver each pass, so every pass goes over the wire):
 * the first pass includes the JIT warming up the JavaScript client, which c-ares does not pay.
 * `ms` is the steady state: the median of the passes after the first.
 */
import { readFileSync } from 'node:fs';
import { median } from './stats';
import { Resolver } from 'node:dns/promises';
import { analyze } from '../server/src/engine/engine';
import { openWorkspace } from '../server/src/engine/setup';
import { createDnsView } from '../server/src/dns/view';
import { DnsCache } from '../server/src/dns/cache';
import { ZoneSet } from '../server/src/dns/zones';
import type { ManagedDnsView } from '../server/src/dns/view';
import type { RRType } from '../server/src/dns/types';

interface Args {
  readonly mode: 'analyze' | 'replay' | 'baseline';
  readonly paths?: string[];
  readonly resolver: string;
  readonly cacheDir?: string;
  readonly questions?: [string, RRType][];
  readonly concurrency: number;
  /** replay/baseline: how many passes over the questions (default 1); each pass is timed. */
  readonly passes?: number;
  /** `off` with `zones`: the same answers from the zone files, no network (the non-DNS part). */
  readonly dns?: 'live' | 'off';
  readonly zones?: string[];
}

async function analyzeRun(a: Args): Promise<object> {
  const t0 = performance.now();
  const ws = await openWorkspace(
    { paths: a.paths!, zones: a.zones ?? [], dns: a.dns ?? 'live', resolvers: [a.resolver], rules: new Map(), cacheDir: a.cacheDir, timeoutMs: 3000 },
    { progress: false },
  );
  const view = ws.dns as ManagedDnsView;
  const wire: [string, RRType][] = [];
  const resolver = view.resolver;
  if (resolver) {
    const original = resolver.resolve.bind(resolver);
    resolver.resolve = (name, type, signal) => {
      wire.push([name, type]);
      return original(name, type, signal);
    };
  }
  const t1 = performance.now();
  const { findings } = await analyze(ws.files, ws.analyzeOptions);
  const t2 = performance.now();
  await ws.close();
  const unknown = findings.filter((f) => f.rule === 'internal-error').length;
  return { totalMs: performance.now() - t0, analyzeMs: t2 - t1, sent: resolver?.sent ?? 0, asked: wire.length, questions: wire, findings: findings.length, internalErrors: unknown };
}

async function pool<T>(items: readonly T[], concurrency: number, run: (t: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function replay(a: Args): Promise<object> {
  const passes: number[] = [];
  let unknown = 0;
  let sent = 0;
  for (let p = 0; p < (a.passes ?? 1); p++) {
    const view: ManagedDnsView = createDnsView({ mode: 'live', zones: new ZoneSet(), cache: new DnsCache(), resolvers: [a.resolver], concurrency: a.concurrency, timeoutMs: 3000 });
    const t0 = performance.now();
    unknown = 0;
    await pool(a.questions!, a.concurrency, async ([n, t]) => {
      const r = await view.query(n, t);
      if (r.status === 'unknown') unknown++;
    });
    passes.push(performance.now() - t0);
    sent = view.resolver!.sent;
  }
  return { ms: steadyState(passes), passes, sent, unknown };
}

async function baseline(a: Args): Promise<object> {
  const ask = (r: Resolver, n: string, t: RRType): Promise<unknown> => {
    switch (t) {
      case 'A': return r.resolve4(n, { ttl: true });
      case 'AAAA': return r.resolve6(n, { ttl: true });
      case 'MX': return r.resolveMx(n);
      case 'TXT': return r.resolveTxt(n);
      case 'PTR': return r.resolvePtr(n);
      case 'CNAME': return r.resolveCname(n);
      case 'NS': return r.resolveNs(n);
      default: return r.resolveSoa(n);
    }
  };
  const passes: number[] = [];
  let failed = 0;
  for (let p = 0; p < (a.passes ?? 1); p++) {
    const r = new Resolver({ timeout: 3000, tries: 2 });
    r.setServers([a.resolver]);
    const t0 = performance.now();
    failed = 0;
    await pool(a.questions!, a.concurrency, async ([n, t]) => {
      try {
        await ask(r, n, t);
      } catch (e) {
        // NXDOMAIN / NODATA are answers too; only count real failures.
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOTFOUND' && code !== 'ENODATA') failed++;
      }
    });
    passes.push(performance.now() - t0);
  }
  return { ms: steadyState(passes), passes, failed };
}

/** One pass is about 250 ms: a single one moves with the machine by more than the budget's margin. */
function steadyState(passes: readonly number[]): number {
  return passes.length > 1 ? median(passes.slice(1)) : passes[0];
}

async function main(): Promise<void> {
  // `@FILE`: the arguments in a file (question lists exceed the argv limit).
  const raw = process.argv[2];
  const a = JSON.parse(raw.startsWith('@') ? readFileSync(raw.slice(1), 'utf8') : raw) as Args;
  const out = a.mode === 'analyze' ? await analyzeRun(a) : a.mode === 'replay' ? await replay(a) : await baseline(a);
  process.stdout.write(JSON.stringify(out) + '\n');
}

void main();
