/**
 * Containment in the engine: a rule or a format analyzer that throws affects only its own
 * results. It becomes one internal-error finding (at the failing file when one file explains
 * it), is logged once with that file, and every other finding is still reported.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../server/src/core/finding';
import type { SourceFile } from '../../server/src/core/source';
import type { FormatAnalyzer } from '../../server/src/engine/analyzers';
import { collectFiles } from '../../server/src/engine/collect';
import { analyze, INTERNAL_ERROR_RULE, type AnalyzeOptions } from '../../server/src/engine/engine';
import { FORMAT_ANALYZERS } from '../../server/src/engine/formats';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { ALL_RULES } from '../../server/src/rules/registry';
import type { Rule } from '../../server/src/rules/types';
import { EXAMPLES } from '../support/paths';

const key = (f: Finding) => `${f.rule} ${f.at.file}:${f.at.range.start.line}:${f.at.range.start.character} ${f.message}`;

describe('containment of failing rules and analyzers', () => {
  let files: SourceFile[];
  let base: AnalyzeOptions;
  let baseline: string[];

  before(async () => {
    files = collectFiles([EXAMPLES]).files;
    const config: WorkspaceConfig = { root: EXAMPLES, dns: 'off', resolvers: [], rules: new Map() };
    const dns = await createDns(config, files.filter((f) => f.kind === 'zone'));
    base = analyzeOptionsFor(config, dns.view);
    baseline = (await analyze(files, base)).findings.map(key);
    assert.ok(baseline.length > 3, 'the examples have findings to keep');
  });

  const run = async (options: Partial<AnalyzeOptions>) => {
    const logs: string[] = [];
    const { findings } = await analyze(files, { ...base, log: (m) => logs.push(m), ...options });
    const internal = findings.filter((f) => f.rule === INTERNAL_ERROR_RULE);
    const rest = findings.filter((f) => f.rule !== INTERNAL_ERROR_RULE).map(key);
    return { internal, rest, logs };
  };

  it('a rule that throws: one internal error, logged once, every other finding kept', async () => {
    const boom: Rule = {
      meta: { ...ALL_RULES[0].meta, id: 'test-throwing-rule' },
      check: () => {
        throw new Error('rule exploded');
      },
    } as Rule;
    const { internal, rest, logs } = await run({ rules: [...ALL_RULES, boom] });
    assert.equal(internal.length, 1);
    assert.match(internal[0].message, /rule test-throwing-rule: rule exploded/);
    assert.equal(internal[0].severity, 'error');
    assert.equal(logs.filter((l) => l.includes('test-throwing-rule')).length, 1);
    assert.deepEqual(rest, baseline);
  });

  it('a rule whose promise rejects is contained the same way', async () => {
    const boom = { meta: { ...ALL_RULES[0].meta, id: 'test-rejecting-rule' }, check: async () => Promise.reject(new TypeError('async failure')) } as unknown as Rule;
    const { internal, rest } = await run({ rules: [boom, ...ALL_RULES] });
    assert.equal(internal.length, 1);
    assert.match(internal[0].message, /async failure/);
    assert.deepEqual(rest, baseline);
  });

  it('an analyzer that throws on one file: one internal error at that file; its other files and other formats still analysed', async () => {
    const target = files.find((f) => f.path.endsWith('/legacy-relay/master.cf'));
    assert.ok(target);
    const wrap = (a: FormatAnalyzer): FormatAnalyzer => ({
      ...a,
      analyze: (fs, root) => {
        if (fs.some((f) => f.path === target.path && f.text !== '')) throw new Error('parser exploded');
        return a.analyze(fs, root);
      },
    });
    const { internal, rest, logs } = await run({ analyzers: FORMAT_ANALYZERS.map(wrap) });
    assert.equal(internal.length, 1);
    assert.equal(internal[0].at.file, target.path);
    assert.match(internal[0].message, /postfix analyzer: parser exploded/i);
    assert.equal(logs.filter((l) => l.includes('parser exploded')).length, 1);
    assert.ok(logs.some((l) => l.includes(target.path)), 'the log names the file');
    // Everything not about the broken file is unchanged (main.cf of the same instance included,
    // minus findings that need master.cf's facts).
    const others = baseline.filter((k) => !k.includes('/legacy-relay/'));
    assert.deepEqual(rest.filter((k) => !k.includes('/legacy-relay/')), others);
  });

  it('an analyzer that throws on every input: one internal error, the other formats unchanged', async () => {
    const broken = FORMAT_ANALYZERS.map((a) => (a.name === 'compose' ? { ...a, analyze: () => Promise.reject(new Error('always')) } : a));
    const { internal, rest } = await run({ analyzers: broken });
    assert.equal(internal.length, 1);
    assert.match(internal[0].message, /compose analyzer: always/);
    const composeFiles = new Set(files.filter((f) => f.kind === 'compose' || f.kind === 'env').map((f) => f.path));
    const notCompose = (k: string) => ![...composeFiles].some((p) => k.includes(p));
    assert.deepEqual(rest.filter(notCompose), baseline.filter(notCompose));
  });

  it('a stack overflow inside an analyzer (deep recursion) is contained too', async () => {
    const deep = (n: number): number => (n === 0 ? 0 : 1 + deep(n - 1));
    const broken = FORMAT_ANALYZERS.map((a) => (a.name === 'zone' ? { ...a, analyze: () => ({ summaries: [], hosts: [deep(1e7)] as never }) } : a));
    const { internal, rest } = await run({ analyzers: broken });
    assert.equal(internal.length, 1);
    assert.match(internal[0].message, /call stack/);
    assert.ok(rest.length > 0);
  });

  it('an edit kit that cannot be built: one internal error, every finding kept (without structural fixes)', async () => {
    const { internal, rest } = await run({
      editKit: () => {
        throw new Error('no parser');
      },
    });
    assert.equal(internal.length, 1);
    assert.match(internal[0].message, /edit kit: no parser/);
    assert.deepEqual(rest, baseline);
  });
});
