/**
 * Mutants of the real corpus (fixed seeds, generated in memory, never written to disk) through
 * the whole engine: no exception escapes, no internal error, bounded time, and the facts of
 * the undamaged part of main.cf, master.cf, .env and zone files are still found.
 * scripts/fuzz.mjs runs the same harness for as many seeds as asked.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeInput, inputFor, loadWorkspaces, runInput } from './harness';

/** A different seed range than the long run's default start, so both add coverage. */
const FIRST_SEED = 1_000_000;
const COUNT = 1000;

describe('corpus mutants through the whole engine', () => {
  const workspaces = loadWorkspaces();

  it(`${COUNT} fixed-seed mutants: no crash, no hang, no lost fact`, { timeout: 240_000 }, async () => {
    assert.ok(workspaces.length >= 4, 'workspaces to mutate');
    const failures: string[] = [];
    let slowest = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + COUNT; seed++) {
      const input = inputFor(seed, workspaces);
      const r = await runInput(input);
      slowest = Math.max(slowest, r.ms);
      if (!r.ok) failures.push(`${describeInput(input)}\n  ${r.problem}`);
    }
    assert.deepEqual(failures, [], `slowest input ${Math.round(slowest)} ms`);
  });
});
