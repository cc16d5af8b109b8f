#!/usr/bin/env node
// The long fuzz run: corpus mutants through the whole engine, in-process (a worker thread),
// with a watchdog for hangs. Same harness as the in-test suite (test/fuzz/harness.ts), as
// many seeds as asked. Needs a build (`npx tsc -b`).
//
//   node scripts/fuzz.mjs --count 100000 [--seed 1] [--jobs 1] [--time-limit 15000] [--hang 120000] [--out report.json]
//
// Prints progress and a summary; exits 1 when any input failed (exception, internal error,
// over the time limit, lost facts of the undamaged part, or a hang).
import { writeFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));

if (!isMainThread) {
  const require = createRequire(import.meta.url);
  const h = require(`${root}out/test/fuzz/harness.js`);
  const workspaces = h.loadWorkspaces();
  const { from, to, timeLimit } = workerData;
  for (let seed = from; seed < to; seed++) {
    const input = h.inputFor(seed, workspaces);
    parentPort.postMessage({ kind: 'start', seed, desc: h.describeInput(input) });
    const r = await h.runInput(input, timeLimit);
    parentPort.postMessage({ kind: 'done', seed, ok: r.ok, ms: r.ms, problem: r.problem, desc: h.describeInput(input), ops: input.ops, fileKind: input.target.kind });
  }
  parentPort.postMessage({ kind: 'end' });
} else {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const count = Number(opt('count', '10000'));
  const first = Number(opt('seed', '1'));
  const timeLimit = Number(opt('time-limit', '15000'));
  const hangMs = Number(opt('hang', '120000'));
  const out = opt('out', undefined);
  const jobs = Math.max(1, Number(opt('jobs', '1')));
  const end = first + count;

  const stats = { inputs: 0, failures: [], maxMs: 0, maxSeed: 0, totalMs: 0, byKind: {}, byOp: {}, slow: 0 };
  const started = Date.now();

  // Each job a contiguous slice of the seeds, in its own worker (restarted after a hang).
  const runFrom = (from, end) =>
    new Promise((resolve) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { from, to: end, timeLimit } });
      let current;
      let last = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - last < hangMs) return;
        clearInterval(watchdog);
        stats.inputs++;
        stats.failures.push({ seed: current?.seed, desc: current?.desc, problem: `hang: no result within ${hangMs} ms` });
        console.log(`HANG ${current?.desc}`);
        void worker.terminate();
        resolve((current?.seed ?? from) + 1);
      }, 1000);
      worker.on('message', (m) => {
        last = Date.now();
        if (m.kind === 'start') current = m;
        else if (m.kind === 'done') {
          stats.inputs++;
          stats.totalMs += m.ms;
          if (m.ms > stats.maxMs) (stats.maxMs = m.ms), (stats.maxSeed = m.seed);
          if (m.ms > 1000) stats.slow++;
          stats.byKind[m.fileKind] = (stats.byKind[m.fileKind] ?? 0) + 1;
          for (const op of m.ops) stats.byOp[op] = (stats.byOp[op] ?? 0) + 1;
          if (!m.ok) {
            stats.failures.push({ seed: m.seed, desc: m.desc, problem: m.problem });
            console.log(`FAIL ${m.desc}\n  ${String(m.problem).split('\n').slice(0, 4).join('\n  ')}`);
          }
          if (stats.inputs % 5000 === 0) console.log(`${stats.inputs}/${count} inputs, ${stats.failures.length} failures, ${Math.round((Date.now() - started) / 1000)} s`);
        } else if (m.kind === 'end') {
          clearInterval(watchdog);
          resolve(end);
        }
      });
      worker.on('error', (e) => {
        clearInterval(watchdog);
        stats.inputs++;
        stats.failures.push({ seed: current?.seed, desc: current?.desc, problem: `worker died: ${e.stack ?? e}` });
        console.log(`WORKER DIED on ${current?.desc}: ${e.message}`);
        resolve((current?.seed ?? from) + 1);
      });
    });

  const slice = Math.ceil(count / jobs);
  await Promise.all(
    Array.from({ length: jobs }, async (_, j) => {
      const to = Math.min(end, first + (j + 1) * slice);
      let next = first + j * slice;
      while (next < to) next = await runFrom(next, to);
    }),
  );

  const summary = {
    inputs: stats.inputs,
    seeds: `${first}..${end - 1}`,
    jobs,
    failures: stats.failures.length,
    hangs: stats.failures.filter((f) => f.problem.startsWith('hang')).length,
    timeLimitMs: timeLimit,
    maxMs: Math.round(stats.maxMs),
    maxSeed: stats.maxSeed,
    meanMs: Math.round((stats.totalMs / Math.max(1, stats.inputs)) * 10) / 10,
    over1s: stats.slow,
    wallSeconds: Math.round((Date.now() - started) / 1000),
    node: process.version,
    byFileKind: stats.byKind,
    byOperator: stats.byOp,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (out) writeFileSync(out, JSON.stringify({ ...summary, failureList: stats.failures }, null, 2) + '\n');
  process.exit(stats.failures.length ? 1 : 0);
}
