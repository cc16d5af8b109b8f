/**
 * Inputs the fuzzers found, kept as regression tests. Each ran into an exception that the
 * engine had to contain (and, before containment per file, cost every file of its format
 * its facts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceFile } from '../../server/src/core/source';
import { analyze, INTERNAL_ERROR_RULE } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { initNixParser, parseNixSync } from '../../server/src/nix/parse';
import { describeInput, inputFor, loadWorkspaces, runInput } from './harness';

const ROOT = '/fuzz-regression';

async function findingsOf(files: SourceFile[]) {
  const config: WorkspaceConfig = { root: ROOT, dns: 'off', resolvers: [], rules: new Map() };
  const dns = await createDns(config, files.filter((f) => f.kind === 'zone'));
  return (await analyze(files, analyzeOptionsFor(config, dns.view))).findings;
}

describe('fuzz regressions', () => {
  it('Nix: attribute sets nested 3000 deep evaluate to unknown, no stack overflow (nix/evaluate.ts)', async () => {
    const text = `{ networking.hostName = "mail"; x = ${'{ a = '.repeat(3000)}1${'; }'.repeat(3000)}; }\n`;
    const findings = await findingsOf([{ path: `${ROOT}/configuration.nix`, kind: 'nix', text }]);
    assert.deepEqual(findings.filter((f) => f.rule === INTERNAL_ERROR_RULE), []);
  });

  it('compose: YAML nested 3000 deep is a syntax error, not an internal error (compose/extract.ts)', async () => {
    const text = `services:\n  a:\n    ports:\n${'- '.repeat(3000)}1\n      - "25:25"\n`;
    const findings = await findingsOf([
      { path: `${ROOT}/compose.yaml`, kind: 'compose', text },
      { path: `${ROOT}/other/compose.yaml`, kind: 'compose', text: 'services:\n  b:\n    image: x\n    ports: ["25:25"]\n' },
    ]);
    assert.deepEqual(findings.filter((f) => f.rule === INTERNAL_ERROR_RULE), []);
    const syntax = findings.filter((f) => f.at.file === `${ROOT}/compose.yaml`);
    assert.ok(syntax.some((f) => /nested too deeply/.test(f.message)), JSON.stringify(syntax.map((f) => f.message)));
  });

  for (const [name, body] of [
    ['a 50 000-part attribute path (tree-sitter parses it in minutes)', `{ config, ... }:\n{\n  imports =\n${'x.'.repeat(50_000)}x\n;\n}\n`],
    ['25 000 interpolations after the expression (a tree too deep to walk)', `{ config, ... }:\n{\n  networking.hostName = "m";\n}\n${'${a}'.repeat(25_000)}\n`],
  ] as const) {
    it(`Nix: ${name} is skipped with a notice in bounded time; other files still analysed (nix/parse.ts)`, { timeout: 60_000 }, async () => {
      const t0 = performance.now();
      const findings = await findingsOf([
        { path: `${ROOT}/hostile.nix`, kind: 'nix', text: body },
        { path: `${ROOT}/hosts/mail.nix`, kind: 'nix', text: '{ networking.hostName = "mail";\n  x = ;\n}\n' },
      ]);
      assert.ok(performance.now() - t0 < 30_000, `${Math.round(performance.now() - t0)} ms`);
      assert.deepEqual(findings.filter((f) => f.rule === INTERNAL_ERROR_RULE), []);
      assert.ok(findings.some((f) => f.at.file === `${ROOT}/hostile.nix` && /not analysed/.test(f.message)), JSON.stringify(findings.map((f) => f.message)));
      assert.ok(findings.some((f) => f.at.file === `${ROOT}/hosts/mail.nix` && f.rule === 'nix-syntax'), 'the other file is still analysed');
    });
  }
});

describe('Nix parse trees are freed (nix/parse.ts)', () => {
  it('re-parsing one file 1500 times (an editing session) does not grow the wasm heap', async () => {
    await initNixParser();
    const body = Array.from({ length: 300 }, (_, i) => `  services.x${i}.enable = ${i % 2 ? 'true' : 'false'};`).join('\n');
    const text = `{ config, ... }:\n{\n${body}\n}\n`;
    const before = process.memoryUsage().rss;
    // Each tree of this 12 kB file takes ~200 kB of wasm heap: leaked, 1500 of them are ~300 MB.
    for (let i = 0; i < 1500; i++) parseNixSync({ path: '/fuzz-regression/edited.nix', kind: 'nix', text: `${text}# ${i}\n` });
    const grown = (process.memoryUsage().rss - before) / 1e6;
    assert.ok(grown < 120, `RSS grew ${Math.round(grown)} MB`);
  });
});

describe('web-tree-sitter memory stays intact (nix/parse.ts)', () => {
  it('corpus mutant seed 13279 (unary minus 500 deep inside broken formals) and the inputs after it', async () => {
    // It corrupted the wasm memory: every later Nix parse in the process failed, and the edit
    // kit's new Parser threw out of analyze().
    const workspaces = loadWorkspaces();
    for (const seed of [13277, 13279, 13280, 13282, 13283]) {
      const input = inputFor(seed, workspaces);
      const r = await runInput(input);
      assert.ok(r.ok, `${describeInput(input)}: ${r.problem}`);
    }
  });

  it('a tree deeper than 256 levels is not walked', async () => {
    const findings = await findingsOf([{ path: `${ROOT}/deep.nix`, kind: 'nix', text: `{ x = ${'- '.repeat(300)}1; }\n` }]);
    assert.ok(findings.some((f) => /not analysed: expressions nested more than 256/.test(f.message)));
  });
});
