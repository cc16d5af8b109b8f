/**
 * Hostile content: file contents, file names and DNS records are data. Finding messages,
 * related messages and fix titles reach no output with control, bidirectional or invisible
 * characters raw (the engine neutralises them once); SARIF escapes brackets so quoted text
 * never becomes a link; the CLI neutralises file names; the language server's diagnostics and
 * hovers carry no live markup, HTML or command link from a file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol/node';
import { neutralize, neutralizeFinding } from '../../server/src/core/safe-text';
import { sarifText } from '../../server/src/cli/format-sarif';
import { analyze } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { formatText } from '../../server/src/cli/format-text';
import { findingsToJson } from '../../server/src/cli/format-json';
import { formatSarif } from '../../server/src/cli/format-sarif';
import { ALL_RULES } from '../../server/src/rules/registry';
import type { Rule } from '../../server/src/rules/types';
import { LspSession, uri } from '../lsp/support/session';
import { CLI } from '../support/paths';

/** Every character class that must never reach an output raw. */
const HOSTILE = 'a\u0000b\u0007c\u001b[31md\u009be\u202Ef\u2066g\u200Bh\u200Fi\u2028j\r\nk\uFEFFl\uD800m\u00ADn';
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const textOf = (m: string | { value: string }) => (typeof m === 'string' ? m : m.value);
const MARKUP = '<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new) **bold** `code`';

describe('neutralize', () => {
  it('replaces controls, bidi, invisible characters and lone surrogates by visible escapes', () => {
    const out = neutralize(HOSTILE);
    assert.ok(!UNSAFE.test(out), JSON.stringify(out));
    assert.match(out, /\\u\{202e\}/);
    assert.match(out, /\\u\{1b\}\[31m/);
  });

  it('keeps ordinary text, tabs, non-ASCII letters and astral characters', () => {
    const s = 'relay.example.test [::1]/128 — Grüße 日本 \t 😀 "quoted" \\ $name';
    assert.equal(neutralize(s), s);
  });

  it('is idempotent, so every layer may apply it (the engine, the language server)', () => {
    const once = neutralize(HOSTILE);
    assert.equal(neutralize(once), once);
    const at = { file: '/f', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const f = { rule: 'r', severity: 'error' as const, message: HOSTILE, at, related: [{ at, message: HOSTILE }], fixes: [{ title: HOSTILE, edits: [{ file: '/f', range: at.range, newText: HOSTILE }] }] };
    const n = neutralizeFinding(f);
    assert.equal(n.message, once);
    assert.equal(n.related[0].message, once);
    assert.equal(n.fixes[0].title, once);
    assert.equal(n.fixes[0].edits[0].newText, HOSTILE, 'edits untouched');
    assert.deepEqual(neutralizeFinding(n), n);
  });

  it('SARIF text: brackets (and a backslash before one) are escaped, nothing else', () => {
    assert.equal(sarifText('[click](command:x) a\\b \\[c]'), '\\[click\\](command:x) a\\b \\\\\\[c\\]');
  });
});

describe('a rule quoting hostile text: every output is safe', () => {
  const hostileRule: Rule = {
    meta: { ...ALL_RULES[0].meta, id: 'test-hostile' },
    check: ({ model }) => {
      const file = model.files[0].file;
      const at = { file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
      return [
        {
          at,
          message: `name ${HOSTILE} ${MARKUP}`,
          related: [{ at, message: `record ${HOSTILE}` }],
          fixes: [{ title: `set ${HOSTILE}`, edits: [{ file, range: at.range, newText: 'exact\u202E text\n' }] }],
        },
      ];
    },
  } as Rule;
  let finding: Awaited<ReturnType<typeof analyze>>['findings'][number];

  before(async () => {
    const config: WorkspaceConfig = { root: '/ws', dns: 'off', resolvers: [], rules: new Map() };
    const dns = await createDns(config, []);
    const { findings } = await analyze([{ path: '/ws/main.cf', kind: 'postfix-main', text: 'myhostname = x\n' }], { ...analyzeOptionsFor(config, dns.view), rules: [hostileRule] });
    finding = findings.find((f) => f.rule === 'test-hostile')!;
    assert.ok(finding);
  });

  it('the engine neutralises message, related message and fix title; the edit text stays exact', () => {
    for (const s of [finding.message, finding.related[0].message, finding.fixes[0].title]) assert.ok(!UNSAFE.test(s), JSON.stringify(s));
    assert.equal(finding.fixes[0].edits[0].newText, 'exact\u202E text\n', 'an edit is what the person chose: never altered');
  });

  it('CLI text, JSON and SARIF carry no unsafe character; SARIF no live link', () => {
    const text = formatText([finding], { cwd: '/ws', color: false, fileCount: 1 });
    assert.ok(!UNSAFE.test(text.replace(/\n/g, '')), JSON.stringify(text));
    const json = JSON.stringify(findingsToJson([finding], '/ws'));
    const parsed = JSON.parse(json) as { findings: { message: string; related: { message: string }[]; fixes: { title: string }[] }[] };
    const f = parsed.findings[0];
    for (const s of [f.message, f.related[0].message, f.fixes[0].title]) assert.ok(!UNSAFE.test(s));
    const sarif = formatSarif([finding], '/ws') as { runs: { results: { message: { text: string } }[] }[] };
    const m = sarif.runs[0].results[0].message.text;
    assert.ok(!/(^|[^\\])\[[^\]]*\]\(/.test(m), `SARIF link: ${m}`);
  });

  it('LSP diagnostic: message and related information neutralised, code link is the rule reference', () => {
    const d = toDiagnostic(finding, 1);
    assert.ok(!UNSAFE.test(textOf(d.message)));
    assert.ok(!UNSAFE.test(d.relatedInformation![0].message));
    assert.ok(!d.codeDescription!.href.includes('command:'));
    assert.match(d.codeDescription!.href, /rules\.md#test-hostile$/);
  });
});

describe('hostile files end to end', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'infra-review-hostile-'));
    mkdirSync(join(dir, 'hosts'));
    // A Nix syntax error quoting a terminal escape, in a file whose name holds one too.
    writeFileSync(join(dir, 'hosts', 'evil\u001b[2J\u202E.nix'), '{ networking.hostName = "mail";\n  x = ]\u001b[31m;\n}\n');
    writeFileSync(join(dir, 'main.cf'), `myhostname = mail.evil.example${MARKUP}\u202E\ninet_protocols = all\nmynetworks = 127.0.0.0/8 ::1/128\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('CLI text output: no raw escape from a file name or a message', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', '.', '--dns', 'off'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    assert.ok(r.stdout.includes('nix-syntax'), r.stdout + r.stderr);
    assert.ok(!UNSAFE.test(r.stdout.replace(/\n/g, '')), JSON.stringify(r.stdout));
  });

  it('CLI SARIF: no live link from a file', () => {
    const r = spawnSync(process.execPath, [CLI, 'check', '.', '--dns', 'off', '--format', 'sarif'], { cwd: dir, encoding: 'utf8' });
    const log = JSON.parse(r.stdout) as { runs: { results: { message: { text: string } }[] }[] };
    assert.ok(log.runs[0].results.length > 0);
    for (const res of log.runs[0].results) assert.ok(!/(^|[^\\])\[[^\]]*\]\(/.test(res.message.text), res.message.text);
  });

  it('language server: diagnostics neutralised, hovers on hostile values keep markup and links inert', async () => {
    const s = await LspSession.start(dir);
    try {
      const mainCf = join(dir, 'main.cf');
      const { uri: u } = s.open(mainCf);
      const nix = join(dir, 'hosts', 'evil\u001b[2J\u202E.nix');
      const { uri: nu } = s.open(nix);
      const nd = await s.diagnosticsFor(nu, (p) => p.diagnostics.length > 0);
      for (const d of nd.diagnostics) assert.ok(!UNSAFE.test(textOf(d.message)), JSON.stringify(d.message));
      const lines = readFileSync(mainCf, 'utf8').split('\n');
      for (const character of [3, 20, 40, 60]) {
        const h = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character } })) as Hover | null;
        const c = h?.contents;
        const text = typeof c === 'object' && c !== null && 'value' in c ? c.value : '';
        assert.ok(!/[\u202E\u001b]/.test(text), `raw control in hover: ${JSON.stringify(text)}`);
        const outside = text.replace(/^(`{3,})[a-z-]*\n[\s\S]*?\n\1$/gm, '');
        assert.ok(!/<img|\]\(command:|(^|[^\\])\*\*bold/.test(outside), `live markup outside code at ${character}: ${outside}`);
      }
      assert.ok(lines.length > 2);
    } finally {
      await s.stop();
    }
  });
});
