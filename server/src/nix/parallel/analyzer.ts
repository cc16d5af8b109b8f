/**
 * The Nix analysis of a large workspace on several threads (a cold `check`): workers parse
 * shares of the files and report their import facts; the main thread plans the hosts with
 * the same planner as `analyzeNix`; each worker then builds the hosts whose entry files it
 * parsed. Same facts in the same order as `analyzeNix`. If anything goes wrong with the
 * workers, the analysis runs in process instead: a result is never lost to parallelism.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceFile } from '../../core/source';
import type { Host, PostfixInstance } from '../../model/types';
import { planHosts } from '../host-plan';
import { analyzeNix, type NixAnalysis } from '../index';
import { EdgeImports, type FileFacts } from './facts';
import type { FromWorker, ToWorker } from './protocol';

/**
 * Worker threads started ahead of the analysis (they load the grammar while the main thread
 * collects files and reads zones). Used by at most one analysis, then terminated.
 */
export class NixWorkerPool {
  private constructor(readonly workers: readonly NixWorker[]) {}

  /** `script` replaces the worker script (tests of the fallback). */
  static start(count: number, script = workerScript()): NixWorkerPool {
    return new NixWorkerPool(Array.from({ length: count }, () => new NixWorker(script)));
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

export interface ParallelNixOptions {
  readonly root: string;
  readonly pool: NixWorkerPool;
  readonly log?: (message: string) => void;
}

/** Analyses on the pool's threads, then terminates it; in process when it cannot split the files or fails. */
export async function analyzeNixInWorkers(files: readonly SourceFile[], options: ParallelNixOptions): Promise<NixAnalysis> {
  const nix = files.filter((f) => f.kind === 'nix');
  const distinctPaths = new Set(nix.map((f) => f.path)).size === nix.length;
  const workers = options.pool.workers.slice(0, Math.floor(nix.length / 2));
  try {
    if (workers.length < 2 || !distinctPaths) {
      void options.pool.terminate();
      return await analyzeNix(files, options);
    }
    return await analyzeWith(workers, nix, options.root);
  } catch (e) {
    options.log?.(`the parallel Nix analysis failed (${e instanceof Error ? e.message : String(e)}); analysing in process`);
    return analyzeNix(files, options);
  } finally {
    void options.pool.terminate();
  }
}

async function analyzeWith(workers: readonly NixWorker[], nix: readonly SourceFile[], root: string): Promise<NixAnalysis> {
  const texts = nix.map((f) => ({ path: f.path, text: f.text }));
  const shards = contiguousShards(nix.map((f) => f.text.length), workers.length);
  const owner = new Int32Array(nix.length);
  shards.forEach((shard, w) => shard.forEach((i) => (owner[i] = w)));

  const facts = new Map<string, FileFacts>();
  const replies = await Promise.all(workers.map((w, i) => w.request({ kind: 'parse', files: texts, shard: shards[i] })));
  const perFile: FileFacts[] = new Array(nix.length);
  for (const r of replies) if (r.kind === 'facts') for (const f of r.facts) perFile[f.index] = f.facts;
  nix.forEach((f, i) => facts.set(f.path, perFile[i]));

  const paths = nix.map((f) => f.path);
  const plan = planHosts(new EdgeImports(paths, new Map(nix.map((f) => [f.path, f.text])), facts), root);
  const indexOf = new Map(paths.map((p, i) => [p, i]));
  const jobs = workers.map(() => ({ hosts: [] as { index: number; task: (typeof plan.hosts)[number] }[], orphans: [] as { index: number; file: string; id: string }[] }));
  plan.hosts.forEach((task, index) => jobs[owner[indexOf.get(task.entry)!]].hosts.push({ index, task }));
  plan.orphans.forEach((o, index) => jobs[owner[indexOf.get(o.file)!]].orphans.push({ index, ...o }));

  const built = await Promise.all(workers.map((w, i) => w.request({ kind: 'build', ...jobs[i] })));
  const hosts: Host[] = new Array(plan.hosts.length);
  const instances: (PostfixInstance | undefined)[] = new Array(plan.hosts.length);
  const orphans: (PostfixInstance | undefined)[] = new Array(plan.orphans.length);
  for (const r of built) {
    if (r.kind !== 'built') continue;
    for (const h of r.hosts) (hosts[h.index] = h.built.host), (instances[h.index] = h.built.instance);
    for (const o of r.orphans) orphans[o.index] = o.instance;
  }
  if (hosts.some((h) => !h)) throw new Error('a worker left hosts unbuilt');
  return {
    hosts,
    postfix: [...instances, ...orphans].filter((p): p is PostfixInstance => !!p),
    summaries: perFile.map((f) => f.summary),
  };
}

/** Splits indices 0..n-1 into `count` runs of about equal total weight (text length). */
export function contiguousShards(weights: readonly number[], count: number): number[][] {
  const total = weights.reduce((a, b) => a + b, 0);
  const shards: number[][] = Array.from({ length: count }, () => []);
  let acc = 0;
  weights.forEach((w, i) => {
    // The shard whose share of the total this file's midpoint falls in.
    const s = Math.min(count - 1, Math.floor(((acc + w / 2) / Math.max(total, 1)) * count));
    shards[s].push(i);
    acc += w;
  });
  return shards;
}

/** The worker script: the bundle's (dist/nix-worker.js) or the compiled module next to this one. */
function workerScript(): string {
  const bundled = join(__dirname, 'nix-worker.js');
  return existsSync(bundled) ? bundled : join(__dirname, 'worker.js');
}

class NixWorker {
  private readonly worker: Worker;
  private pending: { resolve: (m: FromWorker) => void; reject: (e: Error) => void } | undefined;
  private broken: Error | undefined;
  private closing = false;

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (m: FromWorker) => {
      const p = this.pending;
      this.pending = undefined;
      if (m.kind === 'failed') p?.reject(new Error(m.message));
      else p?.resolve(m);
    });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.closing || this.fail(new Error(`a worker exited (code ${code})`)));
  }

  request(msg: ToWorker): Promise<FromWorker> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(msg);
    });
  }

  async terminate(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.broken = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }
}
