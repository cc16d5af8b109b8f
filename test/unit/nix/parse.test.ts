import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { Edit } from 'web-tree-sitter';
import type { SourceFile } from '../../../server/src/core/source';
import { parseNix, summarize, syntaxErrors } from '../../../server/src/nix/parse';
import { CORPUS, FIXTURES } from '../../support/paths';
import { toolOrSkip } from '../../support/tools';
import { nixFilesUnder } from './nix-files';

const file = (text: string, path = '/w/x.nix'): SourceFile => ({ path, kind: 'nix', text });

test('the grammar wasm loads and parses a NixOS module without errors', async () => {
  const p = await parseNix(file('{ config, lib, pkgs, ... }:\n{\n  networking.hostName = "mx";\n  imports = [ ./a.nix ];\n}\n'));
  assert.equal(p.tree.rootNode.hasError, false);
  assert.deepEqual(syntaxErrors(p), []);
});

test('the trailing comma in formals (known grammar gap) is not a syntax error', async () => {
  for (const text of ['{ a, b, }: a', '{ a ? 1, }: a', '{\n  config,\n  lib,\n}:\n{ }']) {
    const p = await parseNix(file(text, `/w/gap-${text.length}.nix`));
    assert.equal(p.tree.rootNode.hasError, true, 'the grammar still rejects it');
    assert.deepEqual(syntaxErrors(p), [], text);
  }
});

test('real syntax errors are reported with a precise range', async () => {
  const p = await parseNix(file('{\n  a = 1\n  b = 2;\n}\n', '/w/err.nix'));
  const errors = syntaxErrors(p);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /Syntax error/);
  assert.equal(errors[0].at.range.start.line, 2);
});

test('the depth limit: many nodes but shallow, and deep, are told apart', async () => {
  // More than 256 nodes (the depth check walks them) but only a few levels deep: analysed.
  const wide = await parseNix(file(`{\n${Array.from({ length: 200 }, (_, i) => `  a${i} = ${i};`).join('\n')}\n}\n`, '/w/wide.nix'));
  assert.equal(wide.unparsed, undefined);
  assert.ok(wide.tree.rootNode.descendantCount > 257);
  // 250 nested lists are within the limit, 300 are not.
  const nested = (n: number) => `{ x = ${'[ '.repeat(n)}1${' ]'.repeat(n)}; }\n`;
  assert.equal((await parseNix(file(nested(120), '/w/nested-ok.nix'))).unparsed, undefined);
  assert.match((await parseNix(file(nested(300), '/w/nested-deep.nix'))).unparsed ?? '', /nested more than 256/);
});

test('suppression comments cover their line and the next', async () => {
  const p = await parseNix(file('{\n  # infra-review: ignore aaaa-not-on-host, ipv6-shared-prefix\n  a = 1;\n}\n', '/w/sup.nix'));
  const s = summarize(p).suppressions;
  assert.deepEqual(
    s.map((x) => `${x.rule}@${x.line}`).sort(),
    ['aaaa-not-on-host@1', 'aaaa-not-on-host@2', 'ipv6-shared-prefix@1', 'ipv6-shared-prefix@2'],
  );
});

test('the same path and text reuse the cached tree; an edit re-parses incrementally', async () => {
  const a = await parseNix(file('{ a = 1; }', '/w/cache.nix'));
  const b = await parseNix(file('{ a = 1; }', '/w/cache.nix'));
  assert.equal(a.tree, b.tree);
  const edit = new Edit({ startIndex: 6, oldEndIndex: 7, newEndIndex: 7, startPosition: { row: 0, column: 6 }, oldEndPosition: { row: 0, column: 7 }, newEndPosition: { row: 0, column: 7 } });
  const c = await parseNix(file('{ a = 2; }', '/w/cache.nix'), { tree: a.tree, edit });
  assert.equal(c.tree.rootNode.text, '{ a = 2; }');
});

const oracle = toolOrSkip('nix-instantiate', 'nix-bin');
test('syntax verdicts agree with nix-instantiate --parse on the corpus and fixtures', { skip: oracle.skip }, async () => {
  const files = [...nixFilesUnder(CORPUS), ...nixFilesUnder(join(FIXTURES, 'nix'))];
  assert.ok(files.length > 10);
  for (const path of files) {
    const text = readFileSync(path, 'utf8');
    const ours = syntaxErrors(await parseNix(file(text, path))).length > 0;
    let theirs = false;
    try {
      execFileSync(oracle.path!, ['--parse', path], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NIX_REMOTE: '', NIX_STATE_DIR: '/tmp/nix-state' } });
    } catch {
      theirs = true;
    }
    assert.equal(ours, theirs, `${path}: ours=${ours} nix-instantiate=${theirs}`);
  }
});
