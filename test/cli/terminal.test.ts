/**
 * What the CLI does on a terminal and off it: progress on stderr and colours only on a TTY
 * (a real pseudo-terminal from util-linux `script`), plain bytes in pipes; --color/--no-color
 * and NO_COLOR; the text layout (related locations and fixes indented, one summary line).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Progress } from '../../server/src/engine/progress';
import { CLI, REPO_ROOT } from '../support/paths';
import { toolOrSkip } from '../support/tools';

const BRACKETS = 'test/fixtures/cli/brackets';
const ESC = '\x1b[';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...base, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const script = toolOrSkip('script', 'util-linux');

/** Runs a shell command with stdin/stdout/stderr on a pseudo-terminal; returns what the terminal showed. */
function onTerminal(command: string, env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  delete base.NO_COLOR;
  const r = spawnSync(script.path!, ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...base, TERM: 'xterm', ...env } });
  return { code: r.status, screen: r.stdout };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const node = `${q(process.execPath)} ${q(CLI)}`;

describe('off a terminal: plain output, no progress', () => {
  test('no colour codes and an empty stderr for check; snapshot says only what it wrote', () => {
    const r = cli(['check', 'examples', '--dns', 'off']);
    assert.equal(r.code, 1);
    assert.ok(!r.stdout.includes(ESC), 'no escape sequences in a pipe');
    assert.equal(r.stderr, '', 'no progress when stderr is not a terminal');
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-term-'));
    try {
      const s = cli(['dns', 'snapshot', BRACKETS, '--dns', 'off', '--out', join(dir, 'snap.zone')]);
      assert.equal(s.code, 0);
      assert.match(s.stderr, /^infra-review: wrote \d+ answers to .*snap\.zone\n/);
      assert.doesNotMatch(s.stderr, /[\r\x1b]/, 'messages only, no progress line');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--color forces colours into a pipe; --no-color wins over a later default', () => {
    const forced = cli(['check', BRACKETS, '--dns', 'off', '--color']);
    assert.ok(forced.stdout.includes(`${ESC}31merror${ESC}0m`), JSON.stringify(forced.stdout));
    const alsoWithNoColorEnv = cli(['check', BRACKETS, '--dns', 'off', '--color'], { NO_COLOR: '1' });
    assert.ok(alsoWithNoColorEnv.stdout.includes(ESC), 'an explicit flag beats NO_COLOR');
    assert.ok(!cli(['check', BRACKETS, '--dns', 'off', '--no-color']).stdout.includes(ESC));
  });

  test('text layout: finding line, related locations and fixes indented beneath, summary last', () => {
    const lines = cli(['check', 'examples', '--dns', 'off']).stdout.trimEnd().split('\n');
    const i = lines.findIndex((l) => / error aaaa-not-on-host /.test(l));
    assert.match(lines[i], /^examples\/hosts\/mail\/networking\.nix:\d+:\d+: error aaaa-not-on-host /);
    assert.match(lines[i + 1], /^ {4}examples\/dns\/acme\.example\.zone:\d+:\d+: AAAA record of mail\.acme\.example$/);
    assert.ok(lines.slice(i + 1).some((l) => /^ {4}fix \(preferred\): Claim /.test(l)), 'fixes are listed');
    assert.match(lines[lines.length - 1], /^\d+ errors?, \d+ warnings?, \d+ infos? in \d+ files?$/);
    for (const l of lines.slice(0, -1)) assert.match(l, /^(\S+:\d+:\d+: (error|warning|info) [a-z0-9-]+ |    )/, l);
  });

  test('--quiet: errors only, the summary still counts every finding', () => {
    const lines = cli(['check', 'examples', '--dns', 'off', '--quiet']).stdout.trimEnd().split('\n');
    assert.ok(!lines.some((l) => / warning /.test(l)));
    assert.ok(lines.some((l) => / error /.test(l)));
    assert.match(lines[lines.length - 1], /^3 errors, 5 warnings, 0 infos in 14 files \(only errors shown\)$/);
  });
});

describe('on a terminal', { skip: script.skip }, () => {
  test('colours by default, none with NO_COLOR or --no-color', () => {
    const tty = onTerminal(`${node} check ${BRACKETS} --dns off`);
    assert.equal(tty.code, 1);
    assert.ok(tty.screen.includes(`${ESC}31merror${ESC}0m`), JSON.stringify(tty.screen));
    assert.ok(tty.screen.includes(`${ESC}1m${BRACKETS}/main.cf:3:26${ESC}0m`));
    assert.ok(!onTerminal(`${node} check ${BRACKETS} --dns off`, { NO_COLOR: '1' }).screen.includes(`${ESC}31m`));
    assert.ok(!onTerminal(`${node} check ${BRACKETS} --dns off --no-color`).screen.includes(`${ESC}31m`));
    // Empty NO_COLOR does not count (no-color.org).
    assert.ok(onTerminal(`${node} check ${BRACKETS} --dns off`, { NO_COLOR: '' }).screen.includes(`${ESC}31m`));
  });

  test('progress on stderr: files, parsed, hosts and DNS names on one redrawn line, erased before the results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'infra-review-term-'));
    try {
      const out = join(dir, 'out.json');
      // stdout to a file, stderr stays on the terminal.
      const tty = onTerminal(`${node} check examples --dns off --format json > ${q(out)}`);
      assert.equal(tty.code, 1);
      assert.match(tty.screen, /^\r\x1b\[Kinfra-review: 14 files, 0 parsed, 0 hosts, 0 DNS names resolved/);
      assert.match(tty.screen, /infra-review: 14 files, 14 parsed, \d+ hosts, \d+ DNS names? resolved/);
      assert.ok(!tty.screen.includes('\n'), 'one line, redrawn in place');
      assert.ok(tty.screen.endsWith('\r\x1b[K'), 'erased at the end');
      const json = JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] };
      assert.ok(json.findings.length > 0, 'stdout carries only the results');
      // stderr redirected: silent even though stdout is the terminal.
      const quiet = onTerminal(`${node} check examples --dns off --format json 2> ${q(join(dir, 'err'))} > /dev/null`);
      assert.equal(quiet.screen, '');
      assert.equal(readFileSync(join(dir, 'err'), 'utf8'), '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('TERM=dumb: no progress line', () => {
    const tty = onTerminal(`${node} check ${BRACKETS} --dns off --format json > /dev/null`, { TERM: 'dumb' });
    assert.equal(tty.screen, '');
  });
});

describe('Progress (the module, with a fake stream and clock)', () => {
  function fake(isTTY: boolean) {
    const writes: string[] = [];
    return { stream: { isTTY, write: (s: string) => writes.push(s) }, writes };
  }

  test('silent when the stream is not a terminal', () => {
    const { stream, writes } = fake(false);
    const p = Progress.forStream(stream, {});
    p.filesFound(3);
    p.dnsAnswer('a.example');
    p.done();
    assert.equal(p.enabled, false);
    assert.deepEqual(writes, []);
  });

  test('phase changes always redraw, DNS answers at most every interval, done erases', async () => {
    const { stream, writes } = fake(true);
    let now = 1000;
    const p = new Progress(stream, () => now, 100);
    p.filesFound(2);
    const [analyzer] = p.wrap([{ name: 'fake', kinds: ['nix'], analyze: () => ({ hosts: [{} as never], summaries: [] }) }]);
    await analyzer.analyze([], '/');
    assert.equal(writes.length, 2);
    assert.equal(writes[1], '\r\x1b[Kinfra-review: 2 files, 0 parsed, 1 host, 0 DNS names resolved');
    p.dnsAnswer('a.example'); // within the interval of the last draw: not drawn
    assert.equal(writes.length, 2);
    now += 150;
    p.dnsAnswer('b.example');
    p.dnsAnswer('b.example');
    assert.equal(writes.length, 3);
    assert.match(writes[2], /2 DNS names resolved$/);
    p.done();
    assert.equal(writes[3], '\r\x1b[K');
    p.done();
    assert.equal(writes.length, 4, 'nothing to erase twice');
  });
});
