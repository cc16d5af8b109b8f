/**
 * Property-based tests (fast-check, fixed seed): text generated from each format's tokens and
 * from arbitrary Unicode, analysed by the whole engine as one file of its kind. No exception
 * escapes, no internal error, bounded time, and every reported range lies inside the document
 * (an editor rejects or mis-draws diagnostics outside it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FileKind } from '../../server/src/core/files';
import { LineIndex } from '../../server/src/core/text';
import { analyze, INTERNAL_ERROR_RULE } from '../../server/src/engine/engine';
import { analyzeOptionsFor, createDns, type WorkspaceConfig } from '../../server/src/engine/setup';
import { HOSTILE_CHARS } from './mutate';

const SEED = 20261121;
const ROOT = '/fuzz-workspace';

const COMMON = ['\n', '\n', '\n', ' ', ' ', '  ', '\t', '#', '"', "'", '\\', '=', ':', ',', ';', '{', '}', '[', ']', '(', ')', '$', '${', '}', '@', '*', '.', '/', '-'];
const TOKENS: Record<FileKind, string[]> = {
  nix: ['{', '}', '=', ';', 'let', 'in', 'rec', 'with', 'import', './a.nix', 'inherit', '...', ':', 'config', 'lib', 'pkgs', 'networking.hostName', '"mail"', 'networking.interfaces.eth0.ipv6.addresses', '[ { address = "2001:db8::25"; prefixLength = 64; } ]', 'services.postfix', '.enable = true;', 'settings.main', 'extraConfig', "''", 'mynetworks', 'lib.mkForce', 'lib.mkIf', 'true', 'false', 'null', '//', '++', 'if', 'then', 'else', '"${x}"', 'x.y.z', 'f x', '(x: x)', '2001:db8::1', '192.0.2.1'],
  'postfix-main': ['myhostname', 'mydomain', 'mynetworks', 'inet_protocols', 'smtp_bind_address6', 'relayhost', 'smtpd_recipient_restrictions', '=', 'all', 'ipv4', '[::1]/128', '::1/128', '127.0.0.0/8', '$myhostname', '${x}', '$(y)', 'cidr:/etc/postfix/x.cidr', '[relay.example]:587', '{{ var }}', '{% if %}', 'permit_mynetworks,', 'reject'],
  'postfix-master': ['smtp', 'inet', 'unix', 'n', '-', 'y', '0', 'smtpd', 'pipe', '-o', 'smtp_bind_address6=::1', '{ a = b }', 'submission', '[::1]:25', '127.0.0.1:25', 'flags=R', 'argv=/bin/x', 'relay', 'lmtp', '100?'],
  compose: ['services:', 'web:', 'image: x', 'ports:', '- "25:25"', '- "[::]:25:25"', '- 127.0.0.1:25:25', 'network_mode: service:x', 'networks:', 'ipv6:', 'enable_ipv6: true', 'hostname: mail.example.test', 'extra_hosts:', 'env_file: .env', 'environment:', '${RELAY:-x}', '<<: *a', '&a', '*a', '---', '|', '>-', '? ', '!!str', '{', '}', '[', ']', '- '],
  env: ['A=', 'B="x', 'export ', 'RELAY=relay.example.test', "C='a'", '${A}', '$B', '# c', 'D="multi', 'line"', '=', 'ä'],
  zone: ['$ORIGIN', '$TTL', '$INCLUDE', 'example.test.', '@', 'IN', 'A', 'AAAA', 'MX', 'TXT', 'CNAME', 'PTR', 'SOA', 'NS', 'SRV', '3600', '1h30m', '192.0.2.25', '2001:db8::25', '10', 'mail', '"v=spf1 ip4:192.0.2.0/24 -all"', '( ', ' )', ';', '\\#', '\\065', '"a" "b"'],
  'postfix-table': ['192.0.2.0/24', 'permit', 'reject', '2001:db8::/32', 'OK', '!', 'if', 'endif'],
};
const PATHS: Record<FileKind, string> = {
  nix: `${ROOT}/configuration.nix`,
  'postfix-main': `${ROOT}/main.cf`,
  'postfix-master': `${ROOT}/master.cf`,
  compose: `${ROOT}/compose.yaml`,
  env: `${ROOT}/.env`,
  zone: `${ROOT}/example.test.zone`,
  'postfix-table': `${ROOT}/postfix/access.cidr`,
};

/** Format tokens, shared punctuation and hostile characters, glued with optional blanks. */
function textOf(kind: FileKind): fc.Arbitrary<string> {
  const token = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...TOKENS[kind]) },
    { weight: 3, arbitrary: fc.constantFrom(...COMMON) },
    { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_CHARS) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(token, { maxLength: 120 }).map((ts) => ts.join(' ')) },
    { weight: 2, arbitrary: fc.array(token, { maxLength: 120 }).map((ts) => ts.join('')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  );
}

async function check(kind: FileKind, text: string): Promise<void> {
  const path = PATHS[kind];
  const config: WorkspaceConfig = { root: ROOT, dns: 'off', resolvers: [], rules: new Map() };
  const file = { path, kind, text };
  const dns = await createDns(config, kind === 'zone' ? [file] : []);
  const t0 = performance.now();
  const { findings } = await analyze([file], analyzeOptionsFor(config, dns.view));
  const ms = performance.now() - t0;
  const internal = findings.filter((f) => f.rule === INTERNAL_ERROR_RULE);
  assert.deepEqual(internal.map((f) => f.message), [], `internal error on ${JSON.stringify(text)}`);
  assert.ok(ms < 10_000, `${ms} ms on ${JSON.stringify(text.slice(0, 200))}`);
  const index = new LineIndex(text);
  const end = index.position(text.length);
  for (const f of findings) {
    for (const at of [f.at, ...f.related.map((r) => r.at)]) {
      if (at.file !== path) continue;
      const { start, end: e } = at.range;
      const inside = (p: { line: number; character: number }) => p.line < end.line || (p.line === end.line && p.character <= end.character);
      assert.ok(inside(start) && inside(e) && (start.line < e.line || (start.line === e.line && start.character <= e.character)), `${f.rule} range ${JSON.stringify(at.range)} outside ${JSON.stringify(end)} in ${JSON.stringify(text)}`);
    }
  }
}

describe('generated files through the whole engine (fast-check, fixed seed)', () => {
  for (const kind of Object.keys(TOKENS) as FileKind[]) {
    it(`${kind}: 300 generated files`, async () => {
      await fc.assert(
        fc.asyncProperty(textOf(kind), async (text) => check(kind, text)),
        { seed: SEED, numRuns: 300, endOnFailure: true },
      );
    });
  }
});
