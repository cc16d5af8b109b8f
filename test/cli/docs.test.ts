/**
 * The user docs stay true: docs/configuration.md lists every CLI option and every
 * `infraReview.*` setting (and nothing that does not exist), the YAML in docs/ci.md parses,
 * and the `check` commands docs/ci.md shows run as written (on a copy of examples/, --dns off).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { CLI, EXAMPLES, REPO_ROOT } from '../support/paths';

const doc = (name: string) => readFileSync(join(REPO_ROOT, 'docs', name), 'utf8');

function cli(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const flags = (text: string) => new Set(text.match(/(?<![\w-])--[a-z][a-z-]*[a-z]/g));

describe('docs/configuration.md', () => {
  const config = doc('configuration.md');

  test('lists every option of every command, and no option the CLI lacks', () => {
    const help = [[], ['check'], ['model'], ['dns', 'snapshot'], ['lsp']].map((c) => cli([...c, '--help']).stdout).join('\n');
    const inHelp = flags(help);
    const inDoc = flags(config);
    assert.deepEqual([...inHelp].filter((o) => !inDoc.has(o)), [], 'documented in help, missing from configuration.md');
    assert.deepEqual([...inDoc].filter((o) => !inHelp.has(o)), [], 'in configuration.md, unknown to the CLI');
  });

  test('lists every infraReview.* setting the extension contributes', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default: unknown }> } } };
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      const row = config.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
      assert.ok(row, `${key} is documented`);
      assert.ok(row.includes(`\`${JSON.stringify(p.default).replace(/^"|"$/g, '')}\``), `${key}: default ${JSON.stringify(p.default)} in: ${row}`);
    }
  });
});

describe('docs/ci.md', () => {
  const ci = doc('ci.md');

  test('every YAML example parses', () => {
    const blocks = [...ci.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 4);
    for (const b of blocks) assert.doesNotThrow(() => parse(b), b.slice(0, 80));
  });

  test('the check commands run as written', () => {
    const commands = [...new Set([...ci.matchAll(/npx infra-review (check [^>|\n]*?)\s*(?:[>|]|$)/gm)].map((m) => m[1].trim()))];
    assert.ok(commands.length >= 3, commands.join('\n'));
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-docs-'));
    try {
      cpSync(EXAMPLES, dir, { recursive: true });
      for (const c of commands) {
        const args = c.split(/\s+/);
        assert.ok(args.includes('--dns') && args[args.indexOf('--dns') + 1] === 'off', `CI examples stay offline: ${c}`);
        const r = cli(args, dir);
        assert.ok(r.code === 0 || r.code === 1, `${c}: exit ${r.code}: ${r.stderr}`);
        if (args.includes('sarif')) assert.equal((JSON.parse(r.stdout) as { version: string }).version, '2.1.0');
        if (args.includes('json')) assert.ok(Array.isArray((JSON.parse(r.stdout) as { findings: unknown[] }).findings));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
