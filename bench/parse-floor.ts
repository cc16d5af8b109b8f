/**
 * The floor for cold analysis: a process that only finds, reads and parses the same `.nix`
 * files with the same grammar (web-tree-sitter + grammars/tree-sitter-nix.wasm) and keeps
 * the trees, as `check` must. `node out/bench/parse-floor.js DIR...` prints a JSON line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNixParser } from '../server/src/nix/grammar';

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.nix')) out.push(p);
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const files: string[] = [];
  for (const d of process.argv.slice(2)) walk(d, files);
  const parser = await createNixParser();
  let bytes = 0;
  const trees = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    bytes += text.length;
    trees.push(parser.parse(text));
  }
  process.stdout.write(JSON.stringify({ files: files.length, bytes, ms: performance.now() - t0, trees: trees.length }) + '\n');
}

void main();
