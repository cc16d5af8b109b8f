/**
 * Proof that an edited Nix file is still right: tree-sitter finds no new syntax errors,
 * `nix-instantiate --parse` accepts it (this also rejects an attribute defined twice), and
 * `nix-instantiate --eval` shows the new value at its path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Parser } from 'web-tree-sitter';
import type { FileEdit } from '../../../server/src/core/finding';
import type { SourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import { createNixParser } from '../../../server/src/nix/grammar';
import { applyEdits } from '../../support/apply-edits';
import { run, toolOrSkip } from '../../support/tools';

export const nixTool = toolOrSkip('nix-instantiate', 'nix-bin');

let parser: Promise<Parser> | undefined;

/** Syntax error and missing nodes tree-sitter finds (the grammar's trailing-comma gap included). */
export async function treeSitterErrors(text: string): Promise<number> {
  parser ??= createNixParser();
  const tree = (await parser).parse(text)!;
  try {
    let count = 0;
    const walk = (n: import('web-tree-sitter').Node): void => {
      if (n.isError || n.isMissing) count++;
      for (const c of n.children) walk(c);
    };
    walk(tree.rootNode);
    return count;
  } finally {
    tree.delete();
  }
}

function withTempFile<T>(text: string, work: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'edits-nix-'));
  try {
    const path = join(dir, 'file.nix');
    writeFileSync(path, text);
    return work(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function nixEnv(dir: string): NodeJS.ProcessEnv {
  return { ...process.env, HOME: dir, NIX_STATE_DIR: join(dir, 'state'), NIX_CONFIG: 'build-users-group =' };
}

/** Runs `nix-instantiate --parse`; returns the error text, or null when the file parses. */
export function nixParseError(text: string): string | null {
  return withTempFile(text, (path, dir) => {
    try {
      run(nixTool.path!, ['--parse', path], { env: nixEnv(dir) });
      return null;
    } catch (e) {
      return String((e as { stderr?: string }).stderr ?? e);
    }
  });
}

/** Module-system functions as the evaluator needs them to reach a value: priorities and conditions are transparent, merges are recursive. */
const STUB_LIB = `
  let
    merge = a: b: a // builtins.mapAttrs (n: v: if builtins.isAttrs v && a ? \${n} && builtins.isAttrs a.\${n} then merge a.\${n} v else v) b;
  in {
    mkIf = c: v: v; mkMerge = builtins.foldl' merge { }; mkForce = v: v; mkDefault = v: v;
    mkOverride = p: v: v; mkOptionDefault = v: v; mkOption = o: o; mkEnableOption = d: { };
    types = { }; concatStringsSep = builtins.concatStringsSep;
  }`;

/**
 * Evaluates a module file standalone (a function gets `config = { }`, the stub lib, `pkgs = { }`)
 * and returns the JSON of the value at `path` (under `config` for a full-form module).
 */
export function nixEvalPath(text: string, path: readonly string[]): unknown {
  const selector = path.map((k) => JSON.stringify(k)).join('.');
  return withTempFile(text, (file, dir) => {
    const expr = `
      let
        lib = ${STUB_LIB};
        m = import ${file};
        v = if builtins.isFunction m then m { config = { }; inherit lib; pkgs = { }; } else m;
        body = if v ? config || v ? options then (v.config or { }) else v;
      in builtins.toJSON body.${selector}`;
    const out = run(nixTool.path!, ['--eval', '--strict', '--json', '-E', expr], { env: nixEnv(dir) });
    return JSON.parse(JSON.parse(out));
  });
}

export interface EditedFile {
  readonly before: string;
  readonly after: string;
  readonly edits: readonly FileEdit[];
}

export function sourceFile(text: string, path = '/fixtures/module.nix'): SourceFile {
  return { path, kind: 'nix', text };
}

/** Applies edits and checks the parts of the proof that need no evaluation. */
export async function applyAndCheck(before: string, edits: readonly FileEdit[] | undefined): Promise<EditedFile> {
  assert.ok(edits, 'the builder found no safe edit');
  const after = applyEdits(before, edits);
  // (a) tree-sitter: no new ERROR/MISSING nodes.
  assert.ok((await treeSitterErrors(after)) <= (await treeSitterErrors(before)), `tree-sitter errors after edit:\n${after}`);
  // (b) Nix itself parses it (duplicate attributes are parse errors).
  if (!nixTool.skip) assert.equal(nixParseError(after), null, `nix-instantiate --parse rejects:\n${after}`);
  // (d) everything outside the edited ranges is byte-identical.
  const index = new LineIndex(before);
  const starts = edits.map((e) => index.offset(e.range.start));
  const ends = edits.map((e) => index.offset(e.range.end));
  const first = Math.min(...starts);
  const last = Math.max(...ends);
  assert.ok(after.startsWith(before.slice(0, first)), 'text before the edits changed');
  assert.ok(after.endsWith(before.slice(last)), 'text after the edits changed');
  for (let i = 0; i < edits.length; i++) {
    const replaced = before.slice(starts[i], ends[i]);
    assert.ok(replaced.length < 400, `an edit replaces a large region: ${JSON.stringify(replaced.slice(0, 80))}…`);
  }
  return { before, after, edits };
}
