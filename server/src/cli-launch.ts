/**
 * The CLI's entry when built (`bin/infra-review.js` loads `dist/cli.js`): sets the V8 flags of
 * a one-shot command, then runs the server bundle through the code cache (cli/code-cache.ts).
 * Other commands (`lsp`, `--help`) load the bundle as usual.
 */
import { join } from 'node:path';
import { codeCacheDir, runWithCodeCache } from './cli/code-cache';
import { tuneV8For, v8FlagsFor } from './cli/one-shot-v8';

const command = process.argv[2];
const flags = v8FlagsFor(command);
const bundle = join(__dirname, 'server.js');
if (command === undefined || flags.length === 0) require(bundle);
else {
  // Before compiling: V8 keys cached code by the flags in effect.
  tuneV8For(command);
  runWithCodeCache(bundle, codeCacheDir(), command, flags);
}
