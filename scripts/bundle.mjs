#!/usr/bin/env node
// Bundles the extension client and the server (LSP + CLI, one file) with esbuild, and
// copies the wasm files they load next to them, so the .vsix needs no node_modules.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const dist = `${root}dist`;
mkdirSync(dist, { recursive: true });

// web-tree-sitter's ESM build finds its .wasm through import.meta.url, which a CommonJS bundle
// lacks: give it the bundle's own URL (the wasm files are copied next to the bundle).
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  { in: 'server/src/main.ts', out: 'dist/server.js', external: [] },
];
for (const e of entries) {
  if (!existsSync(`${root}${e.in}`)) continue;
  await build({ ...common, entryPoints: [`${root}${e.in}`], outfile: `${root}${e.out}`, external: e.external });
}
for (const [from, to] of [
  ['grammars/tree-sitter-nix.wasm', 'dist/tree-sitter-nix.wasm'],
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm'],
]) {
  if (existsSync(`${root}${from}`)) copyFileSync(`${root}${from}`, `${root}${to}`);
}
