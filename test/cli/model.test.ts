/** `infra-review model --format json` against the shape the CLI contract promises. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { CLI, REPO_ROOT } from '../support/paths';

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Position { line: number; character: number }
interface ModelHost {
  name: string;
  entry: string;
  names: string[];
  addresses: { address: string; prefixLength: number; interface: string; file: string; range: { start: Position; end: Position } }[];
  postfix?: { main: Record<string, string | null>; master: unknown[] };
}

const MX = 'test/fixtures/cli/model/mx';

describe('infra-review model --format json', () => {
  test('hosts with name, entry, names, addresses (address, prefixLength, interface, file, range)', () => {
    const r = cli(['model', MX, '--format', 'json', '--dns', 'off']);
    assert.equal(r.code, 0, r.stderr);
    const { hosts } = JSON.parse(r.stdout) as { hosts: ModelHost[] };
    assert.equal(hosts.length, 1);
    const h = hosts[0];
    assert.equal(h.name, 'mx');
    assert.equal(h.entry, `${MX}/configuration.nix`);
    assert.deepEqual(h.names, ['mx.example.test']);
    const v6 = h.addresses.find((a) => a.address === '2001:db8::25');
    assert.ok(v6, JSON.stringify(h.addresses));
    assert.equal(v6.prefixLength, 64);
    assert.equal(v6.interface, 'ens3');
    assert.equal(v6.file, `${MX}/configuration.nix`);
    // 0-based, like the JSON findings: line 5 of the file holds the address string.
    assert.equal(v6.range.start.line, 4);
    assert.ok(v6.range.start.character > 0 && v6.range.end.character > v6.range.start.character);
  });

  test('postfix.main holds values as strings, null for a value that could not be evaluated', () => {
    const { hosts } = JSON.parse(cli(['model', MX, '--format', 'json', '--dns', 'off']).stdout) as { hosts: ModelHost[] };
    const main = hosts[0].postfix?.main;
    assert.ok(main, 'the host runs Postfix');
    assert.equal(main.inet_protocols, 'all');
    assert.ok('relayhost' in main);
    assert.equal(main.relayhost, null, 'builtins.readFile is not evaluated');
    assert.ok(Array.isArray(hosts[0].postfix!.master));
  });

  test('a name set by several options is listed once', () => {
    const { hosts } = JSON.parse(cli(['model', 'examples', '--dns', 'off']).stdout) as { hosts: ModelHost[] };
    for (const h of hosts) assert.equal(new Set(h.names).size, h.names.length, `${h.name}: ${h.names.join(', ')}`);
  });

  test('--format other than json is bad usage; --help describes the command', () => {
    assert.equal(cli(['model', MX, '--format', 'text']).code, 2);
    const help = cli(['model', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: infra-review model/);
  });
});
