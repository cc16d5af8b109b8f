/**
 * Every option the help texts document is exercised: the options no other test needs are run
 * here, and a last test parses all help texts and checks each option appears in some CLI
 * test invocation (test/cli/*.ts, the LSP session helper).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as dgram from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLI, REPO_ROOT } from '../support/paths';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function rules(stdout: string): string[] {
  return (JSON.parse(stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
}

const RELAY = 'examples/legacy-relay';
const BRACKETS = 'test/fixtures/cli/brackets';

describe('options not covered elsewhere', () => {
  test('--zone FILE (repeatable) adds DNS data; a missing zone file is exit 2 naming it', () => {
    assert.deepEqual(rules(cli(['check', RELAY, '--dns', 'off', '--format', 'json']).stdout), ['postfix-match-list-brackets']);
    const withZones = cli(['check', RELAY, '--dns', 'off', '--format', 'json', '--zone', 'examples/dns/acme.example.zone', '--zone', 'examples/dns/2001-db8.ip6.arpa.zone']);
    assert.deepEqual(rules(withZones.stdout), ['postfix-ipv6-unauthenticated-source', 'postfix-match-list-brackets']);
    const missing = cli(['check', RELAY, '--dns', 'off', '--zone', 'no/such.zone']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no\/such\.zone/);
  });

  test('--dns-timeout MS bounds each question against a server that never answers', async () => {
    // A UDP socket on loopback that receives and never replies.
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const port = sock.address().port;
    const cache = mkdtempSync(join(tmpdir(), 'infra-review-opts-'));
    try {
      const started = Date.now();
      const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        // Asynchronous: the test process must stay free to hold the socket.
        const child = spawn(process.execPath, [CLI, 'check', RELAY, '--dns', 'live', '--resolver', `127.0.0.1:${port}`, '--dns-timeout', '100', '--cache-dir', cache, '--format', 'json'], { cwd: REPO_ROOT });
        let stdout = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.on('close', (code) => resolve({ code, stdout }));
      });
      const elapsed = Date.now() - started;
      assert.equal(r.code, 1, 'the bracket finding needs no DNS');
      // Unknown DNS: rules stay silent instead of guessing.
      assert.deepEqual(rules(r.stdout), ['postfix-match-list-brackets']);
      assert.ok(elapsed < 8000, `took ${elapsed} ms`);
    } finally {
      sock.close();
      rmSync(cache, { recursive: true, force: true });
    }
    for (const bad of ['0', '-5', 'soon']) assert.equal(cli(['check', RELAY, '--dns-timeout', bad]).code, 2, bad);
  });

  test('--max-file-size BYTES skips larger files with a notice', () => {
    const r = cli(['check', BRACKETS, '--dns', 'off', '--max-file-size', '10']);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /skipped .*main\.cf: larger than 10 bytes/);
    assert.match(r.stdout, /0 errors, 0 warnings, 0 infos in 0 files/);
    assert.equal(cli(['check', BRACKETS, '--max-file-size', 'big']).code, 2);
  });

  test('short forms: -q, -o, -h, -V; `help`; no command prints usage and exits 2', () => {
    const quiet = cli(['check', BRACKETS, '--dns', 'off', '-q', '--rule', 'postfix-match-list-brackets=warning']);
    assert.equal(quiet.stdout.trim().split('\n').length, 1);
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-opts-'));
    try {
      assert.equal(cli(['dns', 'snapshot', RELAY, '--dns', 'off', '-o', join(dir, 's.zone')]).code, 0);
      assert.ok(existsSync(join(dir, 's.zone')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    for (const args of [['check', '-h'], ['model', '-h'], ['dns', 'snapshot', '-h'], ['dns', '--help'], ['lsp', '-h'], ['-h'], ['help']]) {
      const r = cli(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage/, args.join(' '));
    }
    assert.match(cli(['-V']).stdout, /^\d+\.\d+\.\d+/);
    const none = cli([]);
    assert.equal(none.code, 2);
    assert.match(none.stdout, /Usage:/);
  });
});

describe('help texts', () => {
  const helps = [[], ['check'], ['model'], ['dns', 'snapshot'], ['lsp']].map((c) => cli([...c, '--help']).stdout);

  test('check, model and snapshot document the same common options; each help names its command', () => {
    const optionsOf = (h: string) => new Set(h.match(/(?<![\w-])--[a-z][a-z-]*/g));
    const [, check, model, snapshot] = helps.map(optionsOf);
    for (const o of ['--dns', '--zone', '--resolver', '--rule', '--cache-dir', '--dns-timeout', '--max-file-size', '--help']) {
      for (const [name, set] of [['check', check], ['model', model], ['dns snapshot', snapshot]] as const) assert.ok(set.has(o), `${name} --help lacks ${o}`);
    }
    assert.match(helps[1], /^Usage: infra-review check /);
    assert.match(helps[2], /^Usage: infra-review model /);
    assert.match(helps[3], /^Usage: infra-review dns snapshot /);
    assert.match(helps[4], /^Usage: infra-review lsp --stdio/);
  });

  test('every documented option appears in some CLI test invocation', () => {
    const documented = new Set(helps.flatMap((h) => h.match(/(?<![\w-])--?[a-zA-Z][a-z-]*(?=[\s,|=]|$)/gm) ?? []));
    // Words in prose that look like flags but are not options.
    for (const notOption of ['-only']) documented.delete(notOption);
    const dir = join(REPO_ROOT, 'test/cli');
    const sources = [
      ...readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8')),
      readFileSync(join(REPO_ROOT, 'test/lsp/support/session.ts'), 'utf8'),
    ].join('\n');
    const missing = [...documented].filter((o) => !new RegExp(`['\`" ]${o.replace(/-/g, '\\-')}['\`" ]`).test(sources));
    assert.deepEqual(missing, [], `options no test passes: ${missing.join(', ')}`);
    assert.ok(documented.size >= 18, [...documented].join(' '));
  });
});
