/**
 * The language server (`node dist/server.js lsp --stdio`, driven over the protocol) next to a
 * misbehaving DNS server on loopback: it keeps answering hovers, code actions and edits while
 * every lookup hangs, publishes no finding from a DNS failure, and sends no query at all when
 * the workspace is untrusted or live DNS is off. Oversized files on disk are skipped.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { LspSession, tempCopy, uri } from '../lsp/support/session';
import { startBadDnsServer, type BadDnsServer } from '../support/bad-dns-server';
import { CLI, EXAMPLES } from '../support/paths';
import { spawnSync } from 'node:child_process';

const dirs: string[] = [];
/** examples/ without its zone files: every name goes to the resolver. */
function workspace(): string {
  const dir = tempCopy(EXAMPLES);
  rmSync(join(dir, 'dns'), { recursive: true, force: true });
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const timed = async <T>(p: Promise<T>): Promise<{ value: T; ms: number }> => {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
};

/** Every published diagnostic as `file rule line:col` (the DNS-independent identity). */
function published(s: LspSession, root: string): string[] {
  const out: string[] = [];
  for (const p of s.diagnostics.values() as Iterable<PublishDiagnosticsParams>) {
    for (const d of p.diagnostics) out.push(`${p.uri.slice(uri(root).length)} ${String(d.code)} ${d.range.start.line}:${d.range.start.character}`);
  }
  return out.sort();
}

describe('language server with a misbehaving DNS server', () => {
  it('every lookup hangs: hovers, code actions and edits are still answered promptly', { timeout: 120_000 }, async () => {
    const dns = await startBadDnsServer('silent');
    const dir = workspace();
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'live', resolvers: [dns.address], timeoutMs: 30_000 } } });
    try {
      const mainCf = join(dir, 'legacy-relay/main.cf');
      const { uri: u } = s.open(mainCf);
      await s.diagnosticsFor(u, (p) => p.version === 1);
      assert.ok(dns.queries.length > 0, 'names went to the (silent) resolver');
      // A lookup now takes 30 s; requests must not wait for it.
      for (let i = 0; i < 5; i++) {
        const h = await timed(s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 1, character: 16 } }) as Promise<Hover | null>);
        assert.ok(h.ms < 10_000, `hover took ${Math.round(h.ms)} ms`);
        const a = await timed(s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 5, character: 0 }, end: { line: 5, character: 40 } }, context: { diagnostics: [] } }));
        assert.ok(a.ms < 10_000, `code action took ${Math.round(a.ms)} ms`);
      }
      let version = 1;
      for (let i = 0; i < 30; i++) version = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: i % 2 ? '' : '' }]);
      const edited = await timed(s.diagnosticsFor(u, (p) => p.version === version, 15_000));
      assert.ok(edited.ms < 15_000);
      assert.ok(!published(s, dir).some((d) => d.includes('internal-error')));
    } finally {
      await s.stop();
      await dns.close();
    }
  });

  for (const mode of ['servfail', 'malformed', 'wrong-id', 'cname-loop', 'truncated'] as const) {
    it(`${mode}: once the lookups have failed, the published findings equal those without DNS`, { timeout: 120_000 }, async () => {
      const dns = await startBadDnsServer(mode);
      const base = await LspSession.start(workspace(), { initializationOptions: { dns: { mode: 'off' } } });
      const baseline = published(base, base.root);
      await base.stop();
      const dir = workspace();
      const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'live', resolvers: [dns.address], timeoutMs: 400 } } });
      try {
        // Analyses re-run as failed answers come in; wait for one with nothing pending.
        if (s.done[s.done.length - 1].dnsPending > 0) await s.nextDone((d) => d.dnsPending === 0, 60_000);
        assert.ok(dns.queries.length > 0);
        assert.deepEqual(published(s, dir), baseline);
      } finally {
        await s.stop();
        await dns.close();
      }
    });
  }
});

describe('privacy: no query leaves the machine unless live DNS is allowed', () => {
  let dns: BadDnsServer;
  const fresh = async () => {
    dns ??= await startBadDnsServer('good');
    dns.queries.length = 0;
    return dns;
  };
  after(async () => dns?.close());

  const cases: [string, unknown, boolean][] = [
    ['untrusted workspace with mode live', { trusted: false, dns: { mode: 'live' } }, false],
    ['trusted, mode cache', { dns: { mode: 'cache' } }, false],
    ['trusted, mode off', { dns: { mode: 'off' } }, false],
    ['trusted, mode live (control: the test sees queries)', { dns: { mode: 'live' } }, true],
  ];
  for (const [what, init, expectQueries] of cases) {
    it(`${what}: ${expectQueries ? 'queries are sent' : 'no query is sent'}`, { timeout: 60_000 }, async () => {
      const server = await fresh();
      const dir = workspace();
      const options = init as { dns: Record<string, unknown> };
      const s = await LspSession.start(dir, { initializationOptions: { ...options, dns: { ...options.dns, resolvers: [server.address], timeoutMs: 2000 } } });
      try {
        const { uri: u } = s.open(join(dir, 'legacy-relay/main.cf'));
        await s.diagnosticsFor(u, (p) => p.version === 1);
        await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 1, character: 16 } });
        const refresh = (await s.connection.sendRequest('infraReview/refreshDns')) as { started: boolean };
        if (expectQueries) {
          if (!server.queries.length) await s.nextDone((d) => d.dnsPending === 0, 30_000);
          assert.ok(server.queries.length > 0);
        } else {
          // Give a background lookup, if any were (wrongly) started, time to reach the server.
          await new Promise((r) => setTimeout(r, 1500));
          assert.equal(refresh.started, false);
          assert.deepEqual(server.queries, []);
        }
      } finally {
        await s.stop();
      }
    });
  }

  for (const mode of ['off', 'cache'] as const) {
    it(`CLI --dns ${mode} with a resolver given: no query is sent`, async () => {
      const server = await fresh();
      const r = spawnSync(process.execPath, [CLI, 'check', workspace(), '--dns', mode, '--resolver', server.address, '--format', 'json'], { encoding: 'utf8' });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      assert.deepEqual(server.queries, []);
    });
  }
});

describe('oversized files', () => {
  it('a file on disk above the limit is skipped with a log line; the rest is analysed', { timeout: 60_000 }, async () => {
    const dir = workspace();
    const big = join(dir, 'legacy-relay/big.nix');
    writeFileSync(big, `{ x = "${'a'.repeat(3 * 1024 * 1024)}"; }\n`);
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'off' } } });
    try {
      assert.ok(s.log.some((l) => l.includes('big.nix') && /skipped/.test(l)), s.log.join('\n'));
      assert.ok(s.done[0].files > 5);
      assert.ok(!published(s, dir).some((d) => d.includes('big.nix')));
    } finally {
      await s.stop();
    }
  });

  it('infraReview.maxFileSize: smaller limit from the settings; an open buffer above it is not analysed and said once', { timeout: 60_000 }, async () => {
    const dir = workspace();
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'off' }, maxFileSize: 4000 } });
    const warnings: string[] = [];
    s.connection.onNotification('window/showMessage', (p: { type: number; message: string }) => warnings.push(p.message));
    try {
      const path = join(dir, 'legacy-relay/main.cf');
      const { uri: u } = s.open(path);
      const first = await s.diagnosticsFor(u, (p) => p.version === 1);
      assert.ok(first.diagnostics.length > 0, 'the small file is analysed');
      const big = `# ${'x'.repeat(5000)}\n`;
      let v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: big }]);
      await s.nextDone((d) => d.versions[u] === v || d.versions[u] === undefined);
      v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' }]);
      await s.nextDone();
      const over = await s.diagnosticsFor(u, (p) => p.diagnostics.length === 0, 20_000);
      assert.deepEqual(over.diagnostics, [], 'not analysed above the limit');
      assert.equal(warnings.filter((w) => w.includes('main.cf') && /maxFileSize/.test(w)).length, 1, warnings.join('\n'));
      // Back under the limit: analysed again.
      v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } }, text: '' }]);
      const again = await s.diagnosticsFor(u, (p) => p.version === v && p.diagnostics.length > 0, 20_000);
      assert.deepEqual(again.diagnostics.map((d) => d.code), first.diagnostics.map((d) => d.code));
    } finally {
      await s.stop();
    }
  });

  it('an open buffer with NUL bytes is not analysed, as the walk skips such a file on disk; said once', { timeout: 60_000 }, async () => {
    const dir = workspace();
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'off' } } });
    const warnings: string[] = [];
    s.connection.onNotification('window/showMessage', (p: { type: number; message: string }) => warnings.push(p.message));
    try {
      const { uri: u } = s.open(join(dir, 'legacy-relay/main.cf'));
      const first = await s.diagnosticsFor(u, (p) => p.version === 1);
      assert.ok(first.diagnostics.length > 0, 'the text file is analysed');
      let v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\u0000\u0001' }]);
      await s.nextDone((d) => d.versions[u] === v || d.versions[u] === undefined);
      v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\u0000' }]);
      const binary = await s.diagnosticsFor(u, (p) => p.diagnostics.length === 0, 20_000);
      assert.deepEqual(binary.diagnostics, [], 'not analysed with binary content');
      assert.equal(warnings.filter((w) => w.includes('main.cf') && /binary content/.test(w)).length, 1, warnings.join('\n'));
      v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } }, text: '' }]);
      const again = await s.diagnosticsFor(u, (p) => p.version === v && p.diagnostics.length > 0, 20_000);
      assert.deepEqual(again.diagnostics.map((d) => d.code), first.diagnostics.map((d) => d.code));
    } finally {
      await s.stop();
    }
  });
});

describe('closing a document', () => {
  it('unsaved edits with findings, closed without saving: their diagnostics are cleared', { timeout: 60_000 }, async () => {
    const dir = workspace();
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'off' } } });
    try {
      const { uri: u } = s.open(join(dir, 'flake.nix'));
      await s.diagnosticsFor(u, (p) => p.version === 1 && p.diagnostics.length === 0);
      const v = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '{ ] ;\n' }]);
      await s.diagnosticsFor(u, (p) => p.version === v && p.diagnostics.length > 0);
      s.close(u);
      const cleared = await s.diagnosticsFor(u, (p) => p.version === undefined, 20_000);
      assert.deepEqual(cleared.diagnostics, []);
    } finally {
      await s.stop();
    }
  });
});

describe('protocol abuse', () => {
  it('requests and notifications a confused client may send never take the server down', { timeout: 60_000 }, async () => {
    const dir = workspace();
    const s = await LspSession.start(dir, { initializationOptions: { dns: { mode: 'off' } } });
    try {
      const path = join(dir, 'legacy-relay/main.cf');
      const { uri: u } = s.open(path);
      await s.diagnosticsFor(u, (p) => p.version === 1);
      const ghost = uri(join(dir, 'nowhere/main.cf'));
      const far = { line: 1_000_000, character: 1_000_000 };
      assert.equal(await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: ghost }, position: { line: 0, character: 0 } }), null);
      await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: far });
      await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: { start: far, end: far }, context: { diagnostics: [{ range: { start: far, end: far }, message: 'x', code: 'postfix-match-list-brackets', data: { key: 42, fixes: 'not a list' } }] } });
      await s.connection.sendRequest('textDocument/inlayHint', { textDocument: { uri: ghost }, range: { start: { line: 0, character: 0 }, end: far } });
      s.connection.sendNotification('textDocument/didChange', { textDocument: { uri: ghost, version: 7 }, contentChanges: [{ text: 'x' }] });
      s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'nix', version: 1, text: '{' } });
      s.connection.sendNotification('textDocument/didClose', { textDocument: { uri: ghost } });
      s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///etc/passwd', type: 2 }, { uri: 'not a uri', type: 1 }] });
      s.connection.sendNotification('workspace/didChangeConfiguration', { settings: { infraReview: { dns: { mode: 42, resolvers: 'x' }, rules: [1, 2], maxFileSize: -5 } } });
      // A change whose range lies beyond the end of the document is clamped, not fatal.
      const v = s.change(u, [{ range: { start: { line: 500, character: 0 }, end: { line: 900, character: 3 } }, text: '\nmynetworks = ::1/128\n' }]);
      const after = await s.diagnosticsFor(u, (p) => p.version === v, 20_000);
      assert.ok(after.diagnostics.some((d) => d.code === 'postfix-match-list-brackets'));
      assert.equal(s.process.exitCode, null, 'the server is alive');
      assert.ok(!s.stderr.join('').includes('Unhandled'), s.stderr.join(''));
    } finally {
      await s.stop();
    }
  });
});
