/**
 * The parallel Nix analyzer (worker threads, used by a cold `check` of a large workspace)
 * gives exactly the in-process analysis: same hosts, instances and summaries, same order.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { SourceFile } from '../../../server/src/core/source';
import { analyzeNix } from '../../../server/src/nix/index';
import { analyzeNixInWorkers, contiguousShards, NixWorkerPool } from '../../../server/src/nix/parallel/analyzer';
import { CORPUS, FIXTURES, REPO_ROOT } from '../../support/paths';
import { nixFilesUnder } from './nix-files';

function load(dir: string): SourceFile[] {
  return nixFilesUnder(dir).map((path) => ({ path, kind: 'nix', text: readFileSync(path, 'utf8') }));
}

async function assertSameAsInProcess(files: SourceFile[], root: string, workers: number): Promise<void> {
  const serial = await analyzeNix(files, { root });
  const logs: string[] = [];
  const parallel = await analyzeNixInWorkers(files, { root, pool: NixWorkerPool.start(workers), log: (m) => logs.push(m) });
  assert.deepEqual(logs, [], 'the workers did the analysis (no fallback)');
  assert.deepEqual(parallel, serial);
}

/** Flakes (with a directory module missing from the workspace), inline modules, orphans. */
function writeShapes(dir: string): void {
  const files: Record<string, string> = {
    'flake.nix': `{
  outputs = { self, nixpkgs }: {
    nixosConfigurations.alpha = nixpkgs.lib.nixosSystem {
      modules = [ ./hosts/alpha.nix { networking.domain = "example.test"; imports = [ ./modules/mail.nix ]; } ./missing-dir ];
    };
    nixosConfigurations.beta = nixpkgs.lib.nixosSystem { modules = [ ./hosts/beta.nix ]; };
  };
}`,
    'hosts/alpha.nix': `{ ... }: { networking.hostName = "alpha"; imports = [ ../modules/net.nix ]; }`,
    'hosts/beta.nix': `{ config, ... }: { networking.hostName = "beta"; services.postfix.enable = true; services.postfix.settings.main.myhostname = "\${config.networking.hostName}.example.test"; }`,
    'missing-dir/extra.nix': `{ ... }: { networking.hostName = "alpha-extra"; imports = [ ./more.nix ]; }`,
    'missing-dir/more.nix': `{ ... }: { networking.interfaces.eth0.ipv6.addresses = [ { address = "2001:db8::25"; prefixLength = 64; } ]; }`,
    'modules/mail.nix': `{ config, ... }: { services.postfix = { enable = true; settings.main.mydomain = config.networking.domain; }; }`,
    'modules/net.nix': `{ ... }: { networking.interfaces.eth0.ipv4.addresses = [ { address = "192.0.2.25"; prefixLength = 24; } ]; imports = [ { imports = [ ./inner.nix ]; } ]; }`,
    'modules/inner.nix': `{ ... }: { networking.defaultGateway = "192.0.2.1"; }`,
    'standalone/gamma.nix': `{ ... }: { imports = [ ../modules/mail.nix ../nowhere.nix ]; networking.hostName = "gamma"; networking.domain = "example.test"; }`,
    'shared/relay.nix': `{ ... }: { services.postfix.enable = true; services.postfix.settings.main.relayhost = "[192.0.2.10]"; }`,
    'broken.nix': `{ networking.hostName = "delta" `,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

test('parallel Nix analysis equals the in-process one: the corpus, fixtures and flake/inline/orphan shapes', async () => {
  await assertSameAsInProcess(load(CORPUS), CORPUS, 2);
  await assertSameAsInProcess(load(FIXTURES), FIXTURES, 3);
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-parallel-'));
  try {
    writeShapes(dir);
    const files = load(dir);
    const serial = await analyzeNix(files, { root: dir });
    // The shapes are what this test is about: check they are there.
    assert.deepEqual(serial.hosts.map((h) => h.id).sort(), ['broken.nix', 'flake.nix#alpha', 'flake.nix#beta', 'standalone/gamma.nix']);
    assert.ok(serial.hosts.find((h) => h.id === 'flake.nix#alpha')!.files.some((f) => f.endsWith('missing-dir/more.nix')));
    assert.ok(serial.postfix.some((p) => p.id === 'nixos:shared/relay.nix'), 'an orphan instance');
    for (const workers of [2, 3, 5]) await assertSameAsInProcess(files, dir, workers);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parallel Nix analysis equals the in-process one on a generated fleet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'infra-review-parallel-fleet-'));
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'out/bench/gen.js'), '--hosts', '60', '--seed', '11', '--out', dir], { stdio: 'ignore' });
    const files = load(dir);
    assert.ok(files.length > 120);
    await assertSameAsInProcess(files, dir, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker that cannot start: the analysis runs in process, with a notice', async () => {
  const files = load(FIXTURES);
  assert.ok(files.length >= 4);
  const serial = await analyzeNix(files, { root: FIXTURES });
  const logs: string[] = [];
  const pool = NixWorkerPool.start(2, join(REPO_ROOT, 'out/no-such-worker.js'));
  const r = await analyzeNixInWorkers(files, { root: FIXTURES, pool, log: (m) => logs.push(m) });
  assert.deepEqual(r, serial);
  assert.equal(logs.length, 1);
  assert.match(logs[0], /parallel Nix analysis failed .*analysing in process/);
});

test('shards: contiguous, every index once, about equal weight', () => {
  const weights = Array.from({ length: 1000 }, (_, i) => 100 + ((i * 7919) % 900));
  for (const count of [2, 3, 4, 7]) {
    const shards = contiguousShards(weights, count);
    assert.deepEqual(shards.flat(), weights.map((_, i) => i));
    const total = weights.reduce((a, b) => a + b, 0);
    for (const s of shards) {
      const w = s.reduce((a, i) => a + weights[i], 0);
      assert.ok(Math.abs(w - total / count) < 1000, `shard weight ${w} vs ${total / count}`);
    }
  }
  assert.deepEqual(contiguousShards([5, 5], 2), [[0], [1]]);
  assert.deepEqual(contiguousShards([], 2), [[], []]);
});
