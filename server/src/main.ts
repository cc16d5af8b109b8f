#!/usr/bin/env node
/** The single entry point of the bundle: CLI subcommands, and `lsp` which starts the server. */
import { tuneV8For } from './cli/one-shot-v8';
import { runCli } from './cli/run';

tuneV8For(process.argv[2]);
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`infra-review: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
