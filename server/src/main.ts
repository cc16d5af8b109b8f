#!/usr/bin/env node
/** The single entry point of the bundle: CLI subcommands, and `lsp` which starts the server. */
import { tuneV8For } from './cli/one-shot-v8';
import { runCli } from './cli/run';

/**
 * A finished command exits as soon as its output is written: a cold `check` otherwise spends
 * its last 10-20 ms finishing a garbage collection of a heap nobody reads any more, and more
 * tearing that heap down.
 */
function exitWhenWritten(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  // An empty write calls back once everything written before it is flushed (or has failed).
  process.stdout.write('', done);
  process.stderr.write('', done);
}

tuneV8For(process.argv[2]);
runCli(process.argv.slice(2)).then(
  (code) => {
    if (code === undefined) return; // the language server runs on
    process.exitCode = code;
    exitWhenWritten(code);
  },
  (e: unknown) => {
    process.stderr.write(`infra-review: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  },
);
