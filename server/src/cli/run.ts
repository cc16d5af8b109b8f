/** CLI dispatch: parses argv, runs a command, returns the exit status (0, 1 findings, 2 usage/input). */
import { writeFileSync } from 'node:fs';
import { severityRank } from '../core/finding';
import { InputError } from '../engine/collect';
import { analyze } from '../engine/engine';
import { Progress } from '../engine/progress';
import { openWorkspace } from '../engine/setup';
import { findingsToJson } from './format-json';
import { modelToJson } from './format-model';
import { formatSarif } from './format-sarif';
import { formatText } from './format-text';
import { CHECK_HELP, LSP_HELP, MAIN_HELP, MODEL_HELP, SNAPSHOT_HELP, VERSION } from './help';
import { parseCheck, parseModel, parseSnapshot, UsageError } from './options';
import { snapshotText } from './snapshot';

function out(s: string): void {
  process.stdout.write(s);
}

async function check(argv: string[]): Promise<number> {
  const opts = parseCheck(argv, !!process.stdout.isTTY);
  if (opts === 'help') return out(CHECK_HELP), 0;
  const progress = Progress.forStream(process.stderr);
  const ws = await openWorkspace(opts, { progress });
  try {
    const { findings } = await analyze(ws.files, ws.analyzeOptions);
    progress.done();
    const cwd = process.cwd();
    if (opts.format === 'json') out(JSON.stringify(findingsToJson(findings, cwd), null, 2) + '\n');
    else if (opts.format === 'sarif') out(JSON.stringify(formatSarif(findings, cwd), null, 2) + '\n');
    else out(formatText(findings, { cwd, color: opts.color, fileCount: ws.files.length, quiet: opts.quiet }));
    if (opts.failOn === 'never') return 0;
    const threshold = severityRank(opts.failOn);
    return findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
  } finally {
    progress.done();
    await ws.close();
  }
}

async function model(argv: string[]): Promise<number> {
  const opts = parseModel(argv);
  if (opts === 'help') return out(MODEL_HELP), 0;
  const ws = await openWorkspace(opts, {});
  try {
    const { model } = await analyze(ws.files, { ...ws.analyzeOptions, rules: [] });
    out(JSON.stringify(modelToJson(model, process.cwd()), null, 2) + '\n');
    return 0;
  } finally {
    await ws.close();
  }
}

async function dns(argv: string[]): Promise<number> {
  if (argv[0] !== 'snapshot') {
    if (argv[0] === '--help' || argv[0] === '-h') return out(SNAPSHOT_HELP), 0;
    throw new UsageError(`unknown dns subcommand '${argv[0] ?? ''}' (expected: snapshot)`);
  }
  const opts = parseSnapshot(argv.slice(1));
  if (opts === 'help') return out(SNAPSHOT_HELP), 0;
  const progress = Progress.forStream(process.stderr);
  const { text, answers, unknown } = await snapshotText(opts, progress).finally(() => progress.done());
  writeFileSync(opts.out, text);
  process.stderr.write(`infra-review: wrote ${answers} answers to ${opts.out}\n`);
  // Offline or with --dns off a refresh cannot re-resolve: say so rather than silently
  // replacing good answers with "unknown".
  if (unknown) process.stderr.write(`infra-review: warning: ${unknown} questions could not be answered (listed at the top of ${opts.out}); their names stay unknown\n`);
  return 0;
}

async function lsp(argv: string[]): Promise<number | undefined> {
  if (argv.includes('--help') || argv.includes('-h')) return out(LSP_HELP), 0;
  // Loaded only for this command: the CLI's other commands need no LSP library.
  const { startLanguageServer } = require('../lsp/server') as typeof import('../lsp/server');
  startLanguageServer();
  return undefined; // runs until the client exits it
}

export async function runCli(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'model':
        return await model(rest);
      case 'dns':
        return await dns(rest);
      case 'lsp':
        return await lsp(rest);
      case '--version':
      case '-V':
        return out(`${VERSION}\n`), 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return out(MAIN_HELP), command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`infra-review: ${e.message}\nRun 'infra-review --help' for usage.\n`);
      return 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`infra-review: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
