/**
 * Loads web-tree-sitter and the checked-in Nix grammar once per process. The wasm files are
 * found next to the bundle (dist/) or in the source layout (grammars/, node_modules/), so the
 * same code runs from `out/`, from `dist/server.js` and inside the packaged extension.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';

function firstExisting(candidates: string[]): string {
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`cannot find any of: ${candidates.join(', ')}`);
}

function roots(): string[] {
  // dist/server.js → dist/; out/server/src/nix/grammar.js → repo root.
  return [__dirname, resolve(__dirname, '..'), resolve(__dirname, '../../../..'), resolve(__dirname, '../../..')];
}

export function grammarWasmPath(): string {
  return firstExisting(roots().flatMap((r) => [join(r, 'tree-sitter-nix.wasm'), join(r, 'grammars/tree-sitter-nix.wasm')]));
}

function runtimeWasmPath(): string {
  return firstExisting(
    roots().flatMap((r) => [join(r, 'web-tree-sitter.wasm'), join(r, 'node_modules/web-tree-sitter/web-tree-sitter.wasm')]),
  );
}

/**
 * The wasm memory tree-sitter starts with (its own default and minimum: 32 MiB). The trees of
 * a large workspace outgrow the default (the 1,600-host fleet's 3,225 files: 46 MiB), and the
 * runtime then grows the memory in 20% steps; V8 counts each grown buffer as new external
 * memory, which started a full collection in the middle of the parse loop. Pages never
 * written stay virtual: a small workspace's RSS is the same.
 */
export const INITIAL_WASM_MEMORY_BYTES = 64 * 1024 * 1024;

let loading: Promise<Language> | undefined;

/** The Nix language, loaded once. */
export function loadNixLanguage(): Promise<Language> {
  loading ??= (async () => {
    const runtime = runtimeWasmPath();
    await Parser.init({ locateFile: () => runtime, INITIAL_MEMORY: INITIAL_WASM_MEMORY_BYTES });
    return Language.load(readFileSync(grammarWasmPath()));
  })();
  return loading;
}

/** A parser for Nix (parsers are cheap; one per document lets tree-sitter re-parse incrementally). */
export async function createNixParser(): Promise<Parser> {
  const language = await loadNixLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}
