/**
 * Oracle tests: the parsers must read every main.cf / master.cf (the shared corpus and the
 * generated edge cases) the way Postfix's own postconf does. Values are compared with white
 * space folded, as postconf prints them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { classifyFile } from '../../../server/src/core/files';
import type { Locator, SourceFile } from '../../../server/src/core/source';
import { LineIndex } from '../../../server/src/core/text';
import { isKnownParameter } from '../../../server/src/postfix/catalog';
import { servicesOf, userDefinedNames } from '../../../server/src/postfix/effective';
import { analyzePostfixFiles } from '../../../server/src/postfix/instances';
import { readLogicalLines } from '../../../server/src/postfix/lines';
import { parseMainCf } from '../../../server/src/postfix/main-cf';
import { parseMasterCf } from '../../../server/src/postfix/master-cf';
import { CORPUS } from '../../support/paths';
import { toolOrSkip } from '../../support/tools';
import { MAIN_CF_CASES, MASTER_CF_CASES } from './oracle-cases';
import { entriesOf, normalize, postconf, settingsOf, unusedNames, withConfigDir } from './postconf-oracle';

const tool = toolOrSkip('postconf', 'postfix');

function locatorOf(text: string, file = '/virtual/main.cf'): Locator {
  const index = new LineIndex(text);
  return (s, e) => ({ file, range: index.range(s, e) });
}

function corpusFiles(kind: 'postfix-main' | 'postfix-master'): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (classifyFile(p) === kind) out.push(p);
    }
  };
  if (existsSync(CORPUS)) walk(CORPUS);
  return out.sort();
}

/** Physical line (0-based) a postconf fatal error names. */
function fatalLine(text: string, fatal: string): number {
  const numbered = /line (\d+)/.exec(fatal);
  if (numbered) return Number(numbered[1]) - 1;
  const quoted = /in "([^"]*)"/.exec(fatal)?.[1];
  const lines = text.split('\n');
  const found = quoted ? lines.findIndex((l) => l.replace(/\r$/, '').trim() && quoted.startsWith(l.replace(/\r$/, '').trim())) : -1;
  assert.ok(found >= 0, `cannot place postconf's fatal error: ${fatal}`);
  return found;
}

/** Lines our parsers skip as template directives. */
function templateLines(text: string): Set<number> {
  const index = new LineIndex(text);
  return new Set(readLogicalLines(text).skipped.filter((s) => s.kind === 'template').map((s) => index.position(s.line.start).line));
}

function coversLine(ranges: readonly { range: { start: { line: number }; end: { line: number } } }[], line: number): boolean {
  return ranges.some((r) => r.range.start.line <= line && line <= r.range.end.line);
}

/**
 * Runs postconf; each line it rejects fatally must be one our parser reports as a problem
 * (or skips as a template directive). That line is then commented out (keeping line
 * numbers) and postconf runs again, so the rest of the file is still compared.
 */
function runUntilAccepted(text: string, flagged: (line: number) => boolean, args: string[], files: (t: string) => { main?: string; master?: string | 'stock' }) {
  let current = text;
  for (let attempt = 0; attempt < 40; attempt++) {
    const run = withConfigDir(files(current), (dir) => postconf(tool.path as string, dir, ...args));
    if (!run.fatal) return { text: current, run };
    const line = fatalLine(current, run.fatal);
    assert.ok(flagged(line), `postconf rejects line ${line + 1} ("${current.split('\n')[line]}": ${run.fatal}) but the parser does not report it`);
    const lines = current.split('\n');
    lines[line] = `#${lines[line]}`;
    current = lines.join('\n');
  }
  throw new Error('postconf kept failing');
}

function checkMainCf(text: string, master: string | 'stock' = 'stock') {
  const original = parseMainCf(text, locatorOf(text));
  const templates = templateLines(text);
  const flagged = (line: number) => templates.has(line) || coversLine(original.problems.map((p) => p.at), line);
  const { text: accepted, run } = runUntilAccepted(text, flagged, ['-n'], (t) => ({ main: t, master }));
  const parsed = parseMainCf(accepted, locatorOf(accepted));
  const ours = new Map<string, string>();
  for (const e of parsed.entries) ours.set(e.param.name, normalize(e.raw));
  const theirs = settingsOf(run.stdout);
  const unused = unusedNames(run.stderr, 'main.cf');
  for (const [name, value] of theirs) assert.equal(ours.get(name), value, `value of ${name}`);
  for (const name of ours.keys()) assert.ok(theirs.has(name) || unused.has(name), `postconf does not see ${name}`);

  // The catalog must call unknown exactly what postconf calls unused.
  const files: SourceFile[] = [{ path: '/virtual/main.cf', kind: 'postfix-main', text: accepted }];
  if (master !== 'stock') files.push({ path: '/virtual/master.cf', kind: 'postfix-master', text: master });
  const [instance] = analyzePostfixFiles(files).instances;
  const userDefined = userDefinedNames(instance);
  for (const name of ours.keys()) {
    assert.equal(isKnownParameter(name, servicesOf(instance), userDefined), !unused.has(name), `isKnownParameter(${name})`);
  }
}

function checkMasterCf(text: string) {
  const original = parseMasterCf(text, locatorOf(text, '/virtual/master.cf'));
  const templates = templateLines(text);
  const flagged = (line: number) => templates.has(line) || coversLine(original.problems.map((p) => p.at), line);
  const files = (t: string) => ({ main: '', master: t });
  const { text: accepted, run: runM } = runUntilAccepted(text, flagged, ['-M'], files);
  const runP = withConfigDir(files(accepted), (dir) => postconf(tool.path as string, dir, '-P'));
  const parsed = parseMasterCf(accepted, locatorOf(accepted, '/virtual/master.cf'));

  const fields = parsed.entries.map((e) => [e.entry.service, e.entry.type, e.entry.private, e.entry.unpriv, e.entry.chroot, e.entry.wakeup, e.entry.maxproc, e.entry.command]);
  assert.deepEqual(fields, entriesOf(runM.stdout));

  const ours = new Map<string, string>();
  for (const e of parsed.entries) {
    for (const o of e.overrides) ours.set(`${e.entry.service}/${e.entry.type}/${o.param.name}`, normalize(accepted.slice(o.valueStart, o.valueEnd)));
  }
  const theirs = new Map<string, string>();
  for (const line of runP.stdout.split('\n')) {
    const m = /^(\S+?\/\S+?\/\S+) =(?: (.*))?$/.exec(line);
    if (m) theirs.set(m[1], normalize(m[2] ?? ''));
  }
  assert.deepEqual(new Map([...ours].sort()), new Map([...theirs].sort()));
}

describe('postconf oracle: main.cf', { skip: tool.skip }, () => {
  for (const file of corpusFiles('postfix-main')) {
    test(`corpus ${file.slice(CORPUS.length + 1)}`, () => {
      const dir = file.slice(0, file.lastIndexOf('/'));
      const master = existsSync(join(dir, 'master.cf')) ? readFileSync(join(dir, 'master.cf'), 'utf8') : 'stock';
      checkMainCf(readFileSync(file, 'utf8'), master);
    });
  }
  for (const [name, text] of Object.entries(MAIN_CF_CASES)) test(name, () => checkMainCf(text));
});

describe('postconf oracle: master.cf', { skip: tool.skip }, () => {
  for (const file of corpusFiles('postfix-master')) {
    test(`corpus ${file.slice(CORPUS.length + 1)}`, () => checkMasterCf(readFileSync(file, 'utf8')));
  }
  for (const [name, text] of Object.entries(MASTER_CF_CASES)) test(name, () => checkMasterCf(text));
});
