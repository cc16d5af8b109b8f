#!/usr/bin/env node
// Bundles the extension client and the server (LSP + CLI; the libraries only the language
// server uses in files of their own) with esbuild, and copies the wasm files they load next
// to them, so the .vsix needs no node_modules.
import { build, transform } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;
const dist = `${root}dist`;
mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

// web-tree-sitter ships an ESM and a CommonJS build; an `import` picks the ESM one, whose
// Emscripten start-up loads node's `module` through a dynamic `import()`. In a CommonJS
// process that first dynamic import starts node's ESM loader (a cold `check` runs about 22 M
// instructions fewer without it), and the ESM build needs import.meta.url, which a CommonJS
// bundle lacks. The CommonJS build (what `out/` and the tests load) requires `module` and
// finds its files by __dirname: next to the bundle, where the wasm files are copied.
const requireFromRoot = createRequire(`${root}package.json`);
const treeSitterCommonJs = {
  name: 'web-tree-sitter-commonjs',
  setup(b) {
    b.onResolve({ filter: /^web-tree-sitter$/ }, () => ({ path: requireFromRoot.resolve('web-tree-sitter') }));
  },
};

// Libraries only the language server uses (a third of the server's code) get files of their
// own next to it, required when `lsp` starts: V8 parses every byte of a script it loads, so
// inside the server bundle they cost every CLI run about 7 ms of compilation.
const LSP_LIBRARIES = {
  'vscode-languageserver/node': 'vscode-languageserver.js',
  'vscode-languageserver-textdocument': 'vscode-languageserver-textdocument.js',
};
const lspLibrariesAside = {
  name: 'lsp-libraries-aside',
  setup(b) {
    b.onResolve({ filter: /^vscode-languageserver/ }, ({ path }) =>
      path in LSP_LIBRARIES
        ? { path: `./${LSP_LIBRARIES[path]}`, external: true }
        : { errors: [{ text: `${path}: add it to LSP_LIBRARIES in scripts/bundle.mjs` }] },
    );
  },
};

// yaml's Node build reads `process.env.LOG_TOKENS` for every token it lexes and
// `process.env.LOG_STREAM` for every document token (debug dumps to stdout, which would corrupt
// the CLI's JSON). Each read of process.env is a call into C++ (getenv): about 20 ms of a
// cold `check` on 60,000 tokens. The bundle reads them as unset; everything else is the same
// code (the library's browser build drops the same lines, but also decodes !!binary differently).
const YAML_DEBUG_ENV = /\bnode_process\.env\.LOG_(?:TOKENS|STREAM)\b/g;
const yamlWithoutDebugEnv = {
  name: 'yaml-without-debug-env',
  setup(b) {
    b.onLoad({ filter: /[\\/]yaml[\\/]dist[\\/](?:parse[\\/]parser|compose[\\/]composer)\.js$/ }, ({ path }) => {
      const source = readFileSync(path, 'utf8');
      const contents = source.replace(YAML_DEBUG_ENV, 'undefined');
      if (contents === source) return { errors: [{ text: `${path}: yaml no longer reads LOG_TOKENS/LOG_STREAM here; update yamlWithoutDebugEnv in scripts/bundle.mjs` }] };
      return { contents, loader: 'js' };
    });
  },
};

// esbuild escapes non-ASCII characters in strings, but comments keep theirs (a library's
// `§`, `→`, `—`). One such character makes V8 decode the whole script from UTF-8 into two-byte
// text and scan it as such, at start-up and again at every lazy compile of a function: the
// server bundle, escaped, costs about 24 M fewer instructions to load. Only comments may
// change: esbuild leaves such characters in regular expressions and tagged templates too,
// so the code printed from both texts must be the same (this also catches U+2028 in a `//`).
async function escapeNonAscii(file) {
  const text = readFileSync(file, 'utf8');
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii === text) return;
  const code = async (t) => (await transform(t, { minifyWhitespace: true, legalComments: 'none', logLevel: 'silent' })).code;
  if ((await code(text)) !== (await code(ascii))) throw new Error(`${file}: non-ASCII characters outside comments; escaping them would change the code`);
  writeFileSync(file, ascii);
}

const entries = [
  { in: 'client/src/extension.ts', out: 'dist/client.js', external: ['vscode'] },
  // `supported`: dynamic imports become requires. The CLI compiles this bundle through
  // vm.Script (server/src/cli/code-cache.ts), where an `import()` has no loader to call.
  {
    in: 'server/src/main.ts',
    out: 'dist/server.js',
    external: [],
    plugins: [lspLibrariesAside, yamlWithoutDebugEnv, treeSitterCommonJs],
    supported: { 'dynamic-import': false },
  },
  // The CLI's launcher (bin/infra-review.js): a few KB that run dist/server.js through the V8
  // code cache (server/src/cli/code-cache.ts).
  { in: 'server/src/cli-launch.ts', out: 'dist/cli.js', external: [] },
];
for (const e of entries) {
  if (!existsSync(`${root}${e.in}`)) continue;
  await build({ ...common, entryPoints: [`${root}${e.in}`], outfile: `${root}${e.out}`, external: e.external, plugins: e.plugins, supported: e.supported });
  await escapeNonAscii(`${root}${e.out}`);
}
for (const [library, file] of Object.entries(LSP_LIBRARIES)) {
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
    stdin: { contents: `module.exports = require(${JSON.stringify(library)});`, resolveDir: root, loader: 'js' },
    outfile: `${dist}/${file}`,
  });
  await escapeNonAscii(`${dist}/${file}`);
}
for (const [from, to] of [
  ['grammars/tree-sitter-nix.wasm', 'dist/tree-sitter-nix.wasm'],
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/web-tree-sitter.wasm'],
]) {
  if (existsSync(`${root}${from}`)) copyFileSync(`${root}${from}`, `${root}${to}`);
}
