/**
 * Protocol tests against the real server process (`node dist/server.js lsp --stdio`) on a
 * copy of the examples/ repository: diagnostics after open, edits, edits in another file of
 * the same instance, disk changes, quick fixes applied and re-checked, fix-all, hovers with
 * DNS data (and hostile DNS data), cancellation, settings, and a burst of 100 edits.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CancellationTokenSource, type CodeAction, type Diagnostic, type Hover, type TextDocumentEdit } from 'vscode-languageserver-protocol/node';
import { EXAMPLES } from '../support/paths';
import { LspSession, messages, tempCopy, uri } from './support/session';

function codes(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => String(d.code));
}

/** Applies a code action's edit to the on-disk/open text the test keeps, returning uri → new text. */
function applyEdit(action: CodeAction, texts: Map<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const change of (action.edit?.documentChanges ?? []) as TextDocumentEdit[]) {
    const u = change.textDocument.uri;
    const doc = TextDocument.create(u, 'plaintext', 0, texts.get(u) ?? '');
    out.set(u, TextDocument.applyEdits(doc, change.edits));
  }
  return out;
}

function hoverText(h: Hover | null): string {
  const c = h?.contents;
  return typeof c === 'object' && c !== null && 'value' in c ? c.value : '';
}

describe('language server over stdio on examples/', () => {
  let root: string;
  let s: LspSession;
  let mainCf: string;
  let masterCf: string;
  let compose: string;

  before(async () => {
    root = tempCopy(EXAMPLES);
    mainCf = `${root}/legacy-relay/main.cf`;
    masterCf = `${root}/legacy-relay/master.cf`;
    compose = `${root}/stacks/notify/compose.yaml`;
    // Hostile DNS data: markup, a link, HTML, backticks and a bidi override in a TXT record.
    writeFileSync(
      `${root}/dns/hostile.example.zone`,
      ['$ORIGIN hostile.example.', '$TTL 300', '@ IN SOA ns. host. 1 7200 900 1209600 300', '@ IN A 192.0.2.66', '@ IN TXT "v=spf1 <img src=x onerror=alert(1)> [click](https://evil.example) ```` **bold** \u202Egnp.exe"', ''].join('\n'),
    );
    s = await LspSession.start(root, { initializationOptions: { dns: { mode: 'off' } } });
  });
  after(async () => {
    await s?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('publishes diagnostics for files that are not open after the first analysis', async () => {
    const p = await s.diagnosticsFor(uri(mainCf));
    assert.equal(p.version, undefined, 'a closed file has no version');
    assert.ok(codes(p.diagnostics).includes('postfix-match-list-brackets'), messages(p.diagnostics).join('\n'));
    const d = p.diagnostics.find((x) => x.code === 'postfix-match-list-brackets')!;
    assert.equal(d.source, 'infra-review');
    assert.match(d.codeDescription?.href ?? '', /rules\.md#postfix-match-list-brackets$/);
    assert.equal(d.range.start.line, 6);
    const c = await s.diagnosticsFor(uri(compose));
    assert.ok(codes(c.diagnostics).includes('hardcoded-tailnet-address'));
    const withRelated = c.diagnostics.find((x) => x.relatedInformation?.length);
    assert.ok(withRelated, 'related locations (DNS records, the other service) are attached');
  });

  test('opening a file publishes its diagnostics with the document version', async () => {
    const doc = s.open(mainCf);
    const p = await s.diagnosticsFor(doc.uri, (x) => x.version === 1);
    assert.ok(codes(p.diagnostics).includes('postfix-match-list-brackets'));
  });

  test('an edit re-analyses and publishes for the new version', async () => {
    const u = uri(mainCf);
    // Line 7 (index 6) is "    192.0.2.0/24 2001:db8:25::/64": bracket the IPv6 network by hand.
    const v = s.change(u, [
      { range: { start: { line: 6, character: 17 }, end: { line: 6, character: 17 } }, text: '[' },
      { range: { start: { line: 6, character: 30 }, end: { line: 6, character: 30 } }, text: ']' },
    ]);
    const p = await s.diagnosticsFor(u, (x) => x.version === v);
    assert.ok(!codes(p.diagnostics).includes('postfix-match-list-brackets'), messages(p.diagnostics).join('\n'));
    // Undo, for the next tests.
    const v2 = s.change(u, [{ text: readFileSync(mainCf, 'utf8') }]);
    const back = await s.diagnosticsFor(u, (x) => x.version === v2);
    assert.ok(codes(back.diagnostics).includes('postfix-match-list-brackets'));
  });

  test('a quick fix is attached to its diagnostic, preferred one marked; applying it clears the diagnostic', async () => {
    const u = uri(mainCf);
    const p = await s.diagnosticsFor(u, (x) => codes(x.diagnostics).includes('postfix-match-list-brackets'));
    const d = p.diagnostics.find((x) => x.code === 'postfix-match-list-brackets')!;
    const actions = (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: u },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    })) as CodeAction[];
    const fix = actions.find((a) => a.diagnostics?.some((x) => x.code === d.code));
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    const edit = fix.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(edit.textDocument.version, p.version, 'edits of an open document carry its version');
    const current = new Map([[u, readFileSync(mainCf, 'utf8')]]);
    const next = applyEdit(fix, current).get(u)!;
    assert.match(next, /\[2001:db8:25::\]\/64/);
    const v = s.change(u, [{ text: next }]);
    const after = await s.diagnosticsFor(u, (x) => x.version === v);
    assert.ok(!codes(after.diagnostics).includes('postfix-match-list-brackets'), messages(after.diagnostics).join('\n'));
    const v2 = s.change(u, [{ text: readFileSync(mainCf, 'utf8') }]);
    await s.diagnosticsFor(u, (x) => x.version === v2);
  });

  test('the fix-all source action fixes every finding of one rule in the file', async () => {
    const u = uri(mainCf);
    const text = readFileSync(mainCf, 'utf8').replace('127.0.0.0/8 [::1]/128', '127.0.0.0/8 ::1/128');
    const v = s.change(u, [{ text }]);
    const p = await s.diagnosticsFor(u, (x) => x.version === v);
    assert.equal(p.diagnostics.filter((d) => d.code === 'postfix-match-list-brackets').length, 2, messages(p.diagnostics).join('\n'));
    const actions = (await s.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: u },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    })) as CodeAction[];
    const all = actions.find((a) => a.kind === 'source.fixAll.infraReview' && a.title.includes('postfix-match-list-brackets'));
    assert.ok(all, JSON.stringify(actions.map((a) => a.title)));
    const next = applyEdit(all, new Map([[u, text]])).get(u)!;
    assert.match(next, /\[::1\]\/128/);
    assert.match(next, /\[2001:db8:25::\]\/64/);
    const v2 = s.change(u, [{ text: next }]);
    const fixed = await s.diagnosticsFor(u, (x) => x.version === v2);
    assert.ok(!codes(fixed.diagnostics).includes('postfix-match-list-brackets'));
    const v3 = s.change(u, [{ text: readFileSync(mainCf, 'utf8') }]);
    await s.diagnosticsFor(u, (x) => x.version === v3);
  });

  test('editing master.cf (another file of the same Postfix instance) updates main.cf, which is open', async () => {
    const mainUri = uri(mainCf);
    const before = await s.diagnosticsFor(mainUri);
    assert.ok(codes(before.diagnostics).includes('postfix-ipv6-unauthenticated-source'), messages(before.diagnostics).join('\n'));
    const doc = s.open(masterCf);
    await s.diagnosticsFor(doc.uri, (x) => x.version === 1);
    const text = readFileSync(masterCf, 'utf8');
    const lines = text.split('\n');
    const smtp = lines.findIndex((l) => /^smtp\s+unix\b/.test(l));
    const edit =
      smtp >= 0
        ? { range: { start: { line: smtp, character: lines[smtp].length }, end: { line: smtp, character: lines[smtp].length } }, text: '\n  -o inet_protocols=ipv4' }
        : { range: { start: { line: lines.length, character: 0 }, end: { line: lines.length, character: 0 } }, text: '\nsmtp      unix  -       -       n       -       -       smtp\n  -o inet_protocols=ipv4\n' };
    s.change(doc.uri, [edit]);
    const after = await s.diagnosticsFor(mainUri, (x) => !codes(x.diagnostics).includes('postfix-ipv6-unauthenticated-source'));
    assert.equal(after.version, before.version, 'main.cf is republished with its own (unchanged) version');
    s.change(doc.uri, [{ text }]);
    await s.diagnosticsFor(mainUri, (x) => codes(x.diagnostics).includes('postfix-ipv6-unauthenticated-source'));
    s.close(doc.uri);
  });

  test('files changed on disk are picked up through watched-file events', async () => {
    const composeUri = uri(compose);
    assert.ok(codes((await s.diagnosticsFor(composeUri)).diagnostics).includes('hardcoded-tailnet-address'));
    const text = readFileSync(compose, 'utf8');
    writeFileSync(compose, text.replace('SMTP_HOST: 100.101.102.103', 'SMTP_HOST: relay.acme.example'));
    s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: composeUri, type: 2 }] });
    await s.diagnosticsFor(composeUri, (x) => !codes(x.diagnostics).includes('hardcoded-tailnet-address'));
    writeFileSync(compose, text);
    s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: composeUri, type: 2 }] });
    await s.diagnosticsFor(composeUri, (x) => codes(x.diagnostics).includes('hardcoded-tailnet-address'));
  });

  test('hover on a host name shows its DNS records as code, with their source', async () => {
    const u = uri(mainCf);
    const line = readFileSync(mainCf, 'utf8').split('\n').findIndex((l) => l.startsWith('myhostname'));
    const h = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line, character: 16 } })) as Hover | null;
    const text = hoverText(h);
    assert.match(text, /```dns-zone\n/);
    assert.match(text, /relay\.acme\.example\. 3600 IN A 198\.51\.100\.25/);
    assert.match(text, /relay\.acme\.example\. 3600 IN AAAA 2001:db8:25::26/);
    assert.match(text, /zone file dns\/acme\.example\.zone/);
    assert.match(text, /configured by/);
  });

  test('hover on a Postfix parameter shows its default and effective value', async () => {
    const u = uri(mainCf);
    const h = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 4, character: 3 } })) as Hover | null;
    const text = hoverText(h);
    assert.match(text, /inet\\_protocols/);
    assert.match(text, /inet_protocols = all/);
    assert.match(text, /# default: /);
  });

  test('hostile DNS data stays inert code: no live markup, link, HTML or bidi control', async () => {
    const u = uri(mainCf);
    const original = readFileSync(mainCf, 'utf8');
    const v = s.change(u, [{ text: original + 'relayhost = [hostile.example]\n' }]);
    await s.diagnosticsFor(u, (x) => x.version === v);
    const line = original.split('\n').length - 1;
    const h = (await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line, character: 16 } })) as Hover | null;
    const text = hoverText(h);
    assert.match(text, /hostile\.example\. 300 IN TXT/);
    assert.ok(!text.includes('\u202E'), 'bidi override removed');
    // Everything after the heading is inside fences longer than any backtick run of the data.
    const fence = /^(`{3,})dns-zone$/m.exec(text)![1];
    assert.ok(fence.length > 4, `fence ${fence.length} must outrun the record's 4 backticks`);
    const outside = text.replace(/^(`{3,})[a-z-]*\n[\s\S]*?\n\1$/gm, '');
    assert.ok(!/<img|\[click\]|\*\*bold/.test(outside), `markup outside code: ${outside}`);
    const v2 = s.change(u, [{ text: original }]);
    await s.diagnosticsFor(u, (x) => x.version === v2);
  });

  test('a cancelled request is answered with RequestCancelled', async () => {
    const u = uri(mainCf);
    s.change(u, [{ text: readFileSync(mainCf, 'utf8') + '\n' }]); // the server now waits for this analysis
    const source = new CancellationTokenSource();
    const pending = s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: { line: 1, character: 16 } }, source.token);
    source.cancel();
    await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
    const v = s.change(u, [{ text: readFileSync(mainCf, 'utf8') }]);
    await s.diagnosticsFor(u, (x) => x.version === v);
  });

  test('a burst of 100 edits ends with diagnostics for the last version', async () => {
    const u = uri(mainCf);
    const original = readFileSync(mainCf, 'utf8');
    let last = 0;
    for (let i = 0; i < 100; i++) {
      last = s.change(u, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: i === 99 ? '# last\n' : 'x' }]);
    }
    const p = await s.diagnosticsFor(u, (x) => x.version === last);
    // 99 stray characters turned line 1 into a bad parameter line; the findings are of the final text.
    assert.ok(codes(p.diagnostics).includes('postfix-match-list-brackets'));
    const done = await s.nextDone((d) => d.versions[u] === last).catch(() => s.done.find((d) => d.versions[u] === last));
    assert.ok(done, 'analysisDone reports the version');
    const v = s.change(u, [{ text: original }]);
    await s.diagnosticsFor(u, (x) => x.version === v);
  });
});

describe('Nix: cross-file through imports', () => {
  test('editing modules/postfix.nix (open) updates hosts/mail/networking.nix (not open); a syntax error is reported', async () => {
    const root = tempCopy(EXAMPLES);
    const module = `${root}/modules/postfix.nix`;
    const networking = uri(`${root}/hosts/mail/networking.nix`);
    const s = await LspSession.start(root, { initializationOptions: { dns: { mode: 'off' } } });
    try {
      const before = await s.diagnosticsFor(networking);
      assert.ok(codes(before.diagnostics).includes('aaaa-not-on-host'), messages(before.diagnostics).join('\n'));
      const doc = s.open(module, 'nix');
      const first = await s.diagnosticsFor(doc.uri, (x) => x.version === 1);
      assert.ok(codes(first.diagnostics).includes('postfix-match-list-brackets'));
      // The imported module now claims the AAAA address on the host's interface (a range edit: incremental re-parse).
      const lines = readFileSync(module, 'utf8').split('\n');
      const at = lines.findIndex((l) => l.startsWith('  services.postfix = {'));
      const v = s.change(doc.uri, [
        { range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: '  networking.interfaces.ens3.ipv6.addresses = [ { address = "2001:db8:25::25"; prefixLength = 64; } ];\n' },
      ]);
      await s.diagnosticsFor(doc.uri, (x) => x.version === v);
      const after = await s.diagnosticsFor(networking, (x) => !codes(x.diagnostics).includes('aaaa-not-on-host'));
      assert.equal(after.version, undefined);
      // Break the module: nix-syntax on it; the fix of the host stays computed from the last good parse or not at all.
      const v2 = s.change(doc.uri, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: '  broken = ;\n' }]);
      const broken = await s.diagnosticsFor(doc.uri, (x) => x.version === v2);
      assert.ok(codes(broken.diagnostics).includes('nix-syntax'), messages(broken.diagnostics).join('\n'));
      const v3 = s.change(doc.uri, [{ range: { start: { line: at, character: 0 }, end: { line: at + 1, character: 0 } }, text: '' }]);
      const repaired = await s.diagnosticsFor(doc.uri, (x) => x.version === v3);
      assert.ok(!codes(repaired.diagnostics).includes('nix-syntax'));
    } finally {
      await s.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('settings', () => {
  test('initializationOptions turn a rule off; workspace/configuration changes its severity', async () => {
    const root = tempCopy(EXAMPLES);
    const mainUri = uri(`${root}/legacy-relay/main.cf`);
    const off = await LspSession.start(root, { initializationOptions: { dns: { mode: 'off' }, rules: { 'postfix-match-list-brackets': 'off' } } });
    try {
      const p = await off.diagnosticsFor(mainUri);
      assert.ok(!codes(p.diagnostics).includes('postfix-match-list-brackets'));
      assert.ok(p.diagnostics.length > 0, 'other rules still report');
    } finally {
      await off.stop();
    }
    const info = await LspSession.start(root, { configuration: { dns: { mode: 'off' }, rules: { 'postfix-match-list-brackets': 'info' } } });
    try {
      const p = await info.diagnosticsFor(mainUri);
      const d = p.diagnostics.find((x) => x.code === 'postfix-match-list-brackets');
      assert.equal(d?.severity, 3);
      info.configuration = { dns: { mode: 'off' }, rules: { 'postfix-match-list-brackets': 'off' } };
      info.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await info.diagnosticsFor(mainUri, (x) => !codes(x.diagnostics).includes('postfix-match-list-brackets'));
    } finally {
      await info.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
