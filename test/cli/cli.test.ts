/** The CLI contract (../shared/design/cli-contract.md), exercised on the real process. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { CLI, FIXTURES, REPO_ROOT } from '../support/paths';

function cli(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const BRACKETS = 'test/fixtures/cli/brackets';
const CLEAN = 'test/fixtures/cli/clean';

interface JsonFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  related: { file: string; range: unknown; message: string }[];
  fixes: { title: string; preferred: boolean; edits: { file: string; range: unknown; newText: string }[] }[];
}

describe('infra-review CLI', () => {
  test('--version prints the package version', () => {
    const r = cli(['--version']);
    assert.equal(r.code, 0);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version);
  });

  test('--help lists every command, and check --help every option of the contract', () => {
    const main = cli(['--help']);
    assert.equal(main.code, 0);
    for (const c of ['check', 'model', 'dns snapshot', 'lsp --stdio']) assert.ok(main.stdout.includes(c), c);
    const check = cli(['check', '--help']);
    assert.equal(check.code, 0);
    for (const o of ['--format text|json|sarif', '--dns live|cache|off', '--zone FILE', '--resolver ADDR[:PORT]', '--fail-on error|warning|info|never', '--rule ID=off|error|warning|info', '--quiet']) {
      assert.ok(check.stdout.includes(o), `check --help lacks ${o}`);
    }
    for (const sub of [['model', '--help'], ['dns', 'snapshot', '--help'], ['lsp', '--help']]) assert.equal(cli(sub).code, 0, sub.join(' '));
  });

  test('bad usage exits 2 with a message on stderr', () => {
    for (const args of [['frobnicate'], ['check', '--format', 'xml'], ['check', '--dns', 'sometimes'], ['check', '--rule', 'nope'], ['check', '--bogus'], ['dns', 'snapshot']]) {
      const r = cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /infra-review: /);
    }
  });

  test('an input that cannot be read exits 2 naming it', () => {
    const r = cli(['check', 'no/such/dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no\/such\/dir/);
  });

  test('text format: file:line:col: severity rule-id message, 1-based, and a summary', () => {
    const r = cli(['check', BRACKETS, '--dns', 'off']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^test\/fixtures\/cli\/brackets\/main\.cf:3:26: error postfix-match-list-brackets .*::1\/128/);
    assert.match(lines[lines.length - 1], /^1 error, 0 warnings, 0 infos in 1 file$/);
  });

  test('json format matches the contract: 0-based ranges, relative paths, fixes with edits', () => {
    const r = cli(['check', BRACKETS, '--dns', 'off', '--format', 'json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { version: number; findings: JsonFinding[] };
    assert.equal(out.version, 1);
    assert.equal(out.findings.length, 1);
    const f = out.findings[0];
    assert.equal(f.rule, 'postfix-match-list-brackets');
    assert.equal(f.severity, 'error');
    assert.equal(f.file, 'test/fixtures/cli/brackets/main.cf');
    assert.deepEqual(f.range, { start: { line: 2, character: 25 }, end: { line: 2, character: 32 } });
    assert.ok(Array.isArray(f.related));
    const fix = f.fixes.find((x) => x.preferred) ?? f.fixes[0];
    assert.ok(fix, 'a bracket fix is offered');
    assert.deepEqual(fix.edits.map((e) => [e.file, e.newText]), [['test/fixtures/cli/brackets/main.cf', '[::1]/128']]);
  });

  test('--fail-on and --rule decide the exit status', () => {
    assert.equal(cli(['check', BRACKETS, '--dns', 'off', '--fail-on', 'never']).code, 0);
    const off = cli(['check', BRACKETS, '--dns', 'off', '--rule', 'postfix-match-list-brackets=off', '--format', 'json']);
    assert.equal(off.code, 0);
    assert.deepEqual((JSON.parse(off.stdout) as { findings: unknown[] }).findings, []);
    const warn = cli(['check', BRACKETS, '--dns', 'off', '--rule', 'postfix-match-list-brackets=warning', '--format', 'json']);
    assert.equal(warn.code, 0, 'a warning does not fail with the default --fail-on error');
    assert.equal((JSON.parse(warn.stdout) as { findings: JsonFinding[] }).findings[0].severity, 'warning');
    assert.equal(cli(['check', BRACKETS, '--dns', 'off', '--rule', 'postfix-match-list-brackets=warning', '--fail-on', 'warning']).code, 1);
    assert.equal(cli(['check', CLEAN, '--dns', 'off']).code, 0);
  });

  test('--quiet prints errors only', () => {
    const r = cli(['check', BRACKETS, '--dns', 'off', '--quiet', '--rule', 'postfix-match-list-brackets=info']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim().split('\n').length, 1, 'only the summary line');
  });

  test('applying the fix from JSON clears the finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-cli-'));
    try {
      const file = join(dir, 'main.cf');
      writeFileSync(file, readFileSync(join(FIXTURES, 'cli/brackets/main.cf'), 'utf8'));
      const before = JSON.parse(cli(['check', '.', '--dns', 'off', '--format', 'json'], dir).stdout) as { findings: JsonFinding[] };
      const edit = before.findings[0].fixes[0].edits[0] as { range: JsonFinding['range']; newText: string };
      const lines = readFileSync(file, 'utf8').split('\n');
      const l = lines[edit.range.start.line];
      lines[edit.range.start.line] = l.slice(0, edit.range.start.character) + edit.newText + l.slice(edit.range.end.character);
      writeFileSync(file, lines.join('\n'));
      const after = cli(['check', '.', '--dns', 'off', '--format', 'json'], dir);
      assert.equal(after.code, 0);
      assert.deepEqual((JSON.parse(after.stdout) as { findings: unknown[] }).findings, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a command exits only once its whole output has reached a pipe that is read late', async () => {
    // The process exits as soon as its output is written (main.ts): more than a pipe holds
    // (about 110 KB here) must still all arrive, and the exit status is the command's.
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-cli-'));
    try {
      const mainCf = readFileSync(join(FIXTURES, 'cli/brackets/main.cf'), 'utf8');
      for (let i = 0; i < 100; i++) {
        mkdirSync(join(dir, `relay${i}`));
        writeFileSync(join(dir, `relay${i}`, 'main.cf'), mainCf);
      }
      const child = spawn(process.execPath, [CLI, 'check', '.', '--dns', 'off', '--format', 'json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pause();
      const chunks: Buffer[] = [];
      child.stdout.on('data', (d: Buffer) => chunks.push(d));
      setTimeout(() => child.stdout.resume(), 300);
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const out = Buffer.concat(chunks).toString('utf8');
      assert.ok(out.length > 100_000, `${out.length} bytes`);
      assert.equal((JSON.parse(out) as { findings: JsonFinding[] }).findings.length, 100);
      assert.equal(code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('sarif format validates against the SARIF 2.1.0 schema and carries the same findings as json', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
    for (const target of [BRACKETS, 'examples']) {
      const sarif = cli(['check', target, '--dns', 'off', '--format', 'sarif']);
      const json = cli(['check', target, '--dns', 'off', '--format', 'json']);
      const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[] };
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
      const fromSarif = log.runs[0].results.map((r) => {
        const p = r.locations[0].physicalLocation;
        // SARIF escapes literal brackets (and a backslash before one) in plain text (§3.11.6).
        return `${p.artifactLocation.uri}:${p.region.startLine - 1}:${p.region.startColumn - 1} ${r.ruleId} ${r.message.text.replace(/\\([[\]\\])/g, '$1')}`;
      });
      const fromJson = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings.map((f) => `${f.file}:${f.range.start.line}:${f.range.start.character} ${f.rule} ${f.message}`);
      assert.deepEqual(fromSarif, fromJson);
      assert.equal(sarif.code, json.code);
    }
  });
});
