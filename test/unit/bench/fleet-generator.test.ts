/**
 * The benchmark fleet generator (bench/fleet.ts) is deterministic and its output is
 * analysable: same seed → same files; the real CLI reviews a small fleet without internal
 * errors and finds the findings sprinkled in. No timing here: timings live in `npm run bench`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { CLI, REPO_ROOT } from '../../support/paths';

const GEN = join(REPO_ROOT, 'out/bench/gen.js');

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

test('same seed, same fleet; the CLI analyses it without internal errors', (t) => {
  const base = mkdtempSync(join(tmpdir(), 'infra-review-fleet-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const gen = (dir: string, seed: string) => execFileSync(process.execPath, [GEN, '--hosts', '12', '--seed', seed, '--big', '--out', join(base, dir)], { encoding: 'utf8' });
  gen('a', '7');
  gen('b', '7');
  gen('c', '8');
  const a = tree(join(base, 'a'));
  assert.ok(a.size > 30, `expected a fleet, got ${a.size} files`);
  assert.deepEqual(tree(join(base, 'b')), a);
  assert.notDeepEqual(tree(join(base, 'c')), a);
  // Documentation and benchmarking ranges only.
  for (const [path, text] of a) {
    for (const m of text.matchAll(/(?<![\w.])(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}(?![\w.])/g)) {
      const [a1, a2] = [Number(m[1]), Number(m[2])];
      const ok = a1 === 127 || (a1 === 198 && (a2 === 18 || a2 === 19)) || (a1 === 192 && a2 === 0) || (a1 === 198 && a2 === 51) || (a1 === 203 && a2 === 0);
      assert.ok(ok, `${path}: ${m[0]} is not a documentation/benchmark address`);
    }
  }

  const r = spawnSync(process.execPath, [CLI, 'check', join(base, 'a'), '--dns', 'off', '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const findings = (JSON.parse(r.stdout) as { findings: { rule: string }[] }).findings;
  assert.deepEqual(findings.filter((f) => f.rule === 'internal-error'), []);
  assert.ok(findings.length > 0, 'the generator sprinkles findings in');
});
