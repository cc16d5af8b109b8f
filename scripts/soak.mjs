#!/usr/bin/env node
// Soak test: the language server (dist/server.js lsp --stdio) under thousands of random edits
// across many files, with files opened, closed, changed on disk, hovers and code actions,
// while a DNS server on loopback misbehaves at random (test/support/bad-dns-server.ts mode
// `random`). Checks: no crash, every request answered, the server's memory (RSS) steady after
// warm-up, every open document's diagnostics for its last version, and at the end the
// published diagnostics equal a fresh analysis (CLI, same files, same DNS cache).
// Needs a build (npx tsc -b && node scripts/bundle.mjs).
//
//   node scripts/soak.mjs [--edits 3000] [--seed 1] [--files 40]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const { LspSession, uri } = require(`${root}out/test/lsp/support/session.js`);
const { startBadDnsServer } = require(`${root}out/test/support/bad-dns-server.js`);
const { rng } = require(`${root}out/test/fuzz/mutate.js`);
const { CORPUS } = require(`${root}out/test/support/paths.js`);
const { classifyFile } = require(`${root}out/server/src/core/files.js`);
const { TextDocument } = require('vscode-languageserver-textdocument');

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : dflt);
const EDITS = Number(opt('edits', '3000'));
const SEED = Number(opt('seed', '1'));
const MAX_FILES = Number(opt('files', '40'));
const r = rng(SEED);

// A workspace in a temp dir: examples/ (zone files included) plus corpus files, each in its own
// directory (copied to the temp dir only, never into the repository).
const ws = mkdtempSync(join(tmpdir(), 'infra-review-soak-'));
cpSync(join(root, 'examples'), ws, { recursive: true });
const corpusFiles = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (classifyFile(p) && statSync(p).size < 60_000) corpusFiles.push(p);
  }
};
try {
  walk(CORPUS);
} catch {
  /* no corpus: examples only */
}
for (const f of corpusFiles.slice(0, Math.max(0, MAX_FILES - 14))) {
  const to = join(ws, 'corpus', relative(CORPUS, f));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(f, to);
}
const files = [];
const collect = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) collect(p);
    else if (classifyFile(p) && classifyFile(p) !== 'zone') files.push(p);
  }
};
collect(ws);
const cacheDir = join(ws, '.soak-cache');

// NUL makes a buffer binary: skipped by the language server as by the CLI's walk.
const TOKENS = ['\u0000', '{', '}', ';', '=', '"', "''", '${', '[', ']', '\n', '\n  ', ' ', '#', 'mynetworks = ::1/128\n', 'inet_protocols = all\n', '  -o smtp_bind_address6=2001:db8::25\n',
  'networking.hostName = "mail";\n', 'services:\n  x:\n    ports: ["25:25"]\n', '\u202E', '\u2066', '\r\n', 'relayhost = [relay.acme.example]:587\n', 'mail.acme.example', '2001:db8::25', '192.0.2.25'];

const dns = await startBadDnsServer('random', { slowMs: 1500 });
const s = await LspSession.start(ws, { initializationOptions: { dns: { mode: 'live', resolvers: [dns.address], timeoutMs: 500, cacheDir } } });
const pid = s.process.pid;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

const open = new Map(); // uri → { path, doc }
const openFile = (path) => {
  const o = s.open(path);
  open.set(o.uri, { path, doc: TextDocument.create(o.uri, 'plaintext', 1, readFileSync(path, 'utf8')) });
};
for (const f of files.slice(0, 15)) openFile(f);

const failures = [];
const memory = [];
const latencies = [];
let exited = false;
let stopping = false;
s.process.on('exit', (code, signal) => {
  exited = true;
  if (!stopping) failures.push(`server exited (code ${code}, signal ${signal})`);
});

const randomEdit = (doc) => {
  const text = doc.getText();
  if (text.length > 60_000) return [{ text: readFileSync(open.get(doc.uri).path, 'utf8') }];
  const at = r.int(text.length + 1);
  const start = doc.positionAt(at);
  switch (r.int(6)) {
    case 0:
    case 1:
      return [{ range: { start, end: start }, text: r.pick(TOKENS) }];
    case 2: {
      const end = doc.positionAt(Math.min(text.length, at + r.int(40)));
      return [{ range: { start, end }, text: '' }];
    }
    case 3: {
      const end = doc.positionAt(Math.min(text.length, at + r.int(10)));
      return [{ range: { start, end }, text: r.pick(TOKENS) + r.pick(TOKENS) }];
    }
    case 4: // Two changes in one notification, applied in order.
      return [{ range: { start, end: start }, text: 'a' }, { range: { start, end: doc.positionAt(doc.offsetAt(start) + 1) }, text: '' }];
    default:
      return [{ range: { start, end: start }, text: 'x'.repeat(r.int(3000)) }];
  }
};

const t0 = Date.now();
for (let i = 1; i <= EDITS && !exited; i++) {
  const uris = [...open.keys()];
  const u = r.pick(uris);
  const entry = open.get(u);
  const changes = randomEdit(entry.doc);
  const version = s.change(u, changes);
  entry.doc = TextDocument.update(entry.doc, changes, version);
  const k = r.int(100);
  try {
    if (k < 4) {
      const t = Date.now();
      await s.connection.sendRequest('textDocument/hover', { textDocument: { uri: u }, position: entry.doc.positionAt(r.int(entry.doc.getText().length + 1)) });
      latencies.push(Date.now() - t);
    } else if (k < 6) {
      const t = Date.now();
      await s.connection.sendRequest('textDocument/codeAction', { textDocument: { uri: u }, range: { start: { line: 0, character: 0 }, end: entry.doc.positionAt(entry.doc.getText().length) }, context: { diagnostics: [] } });
      latencies.push(Date.now() - t);
    } else if (k < 7 && open.size > 5) {
      // Close (the edit is "saved" to disk first, as an editor would on close-with-save).
      writeFileSync(entry.path, entry.doc.getText());
      s.close(u);
      open.delete(u);
      s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: u, type: 2 }] });
    } else if (k < 8) {
      const closed = files.filter((f) => ![...open.values()].some((o) => o.path === f));
      if (closed.length) openFile(r.pick(closed));
    } else if (k < 9) {
      // A change on disk to a file that is not open (git checkout, another tool).
      const closed = files.filter((f) => ![...open.values()].some((o) => o.path === f));
      if (closed.length) {
        const f = r.pick(closed);
        writeFileSync(f, readFileSync(f, 'utf8') + `\n# soak ${i}\n`);
        s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(f), type: 2 }] });
      }
    } else if (k < 10) {
      await s.connection.sendRequest('infraReview/refreshDns');
    } else if (k < 15) {
      // Let an analysis finish for this version now and then (else only the debounce runs).
      await s.diagnosticsFor(u, (p) => p.version === version, 60_000);
    }
  } catch (e) {
    failures.push(`edit ${i}: ${e.message.split('\n')[0]}`);
  }
  if (i % 100 === 0) memory.push({ edit: i, rssKiB: rss() });
  if (i % 500 === 0) console.log(`${i}/${EDITS} edits, ${open.size} open, RSS ${Math.round(rss() / 1024)} MiB, DNS queries ${dns.queries.length}, ${Math.round((Date.now() - t0) / 1000)} s`);
}

// Settle: every open document written to disk (so a fresh analysis sees the same text), DNS
// made to fail from now on so nothing new arrives, analyses until none is pending.
for (const o of open.values()) writeFileSync(o.path, o.doc.getText());
dns.mode = 'servfail';
const last = new Map([...open].map(([u, o]) => [u, o.doc.version]));
try {
  await s.connection.sendRequest('infraReview/refreshDns');
  for (const [u, v] of last) await s.diagnosticsFor(u, (p) => p.version === v, 60_000);
  for (let k = 0; k < 20 && (s.done.at(-1).dnsPending > 0 || s.done.at(-1).count === 0); k++) await s.nextDone(() => true, 30_000);
  // One more analysis after the last answers, so the published state is the final one.
  const settled = s.nextDone((d) => d.dnsPending === 0, 60_000);
  s.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uri(files[0]), type: 2 }] });
  await settled;
} catch (e) {
  failures.push(`settling: ${e.message.split('\n')[0]}`);
}

const published = [];
for (const p of s.diagnostics.values()) {
  for (const d of p.diagnostics) published.push(`${relative(ws, fileURLToPath(p.uri))} ${d.code} ${d.range.start.line}:${d.range.start.character}`);
}
published.sort();
const finalRss = rss();
stopping = true;
await s.stop();
await dns.close();

// The fresh analysis: the CLI over the same files with the DNS cache the server wrote.
const cli = spawnSync(process.execPath, [join(root, 'bin/infra-review.js'), 'check', '.', '--dns', 'cache', '--cache-dir', cacheDir, '--format', 'json', '--fail-on', 'never'], { cwd: ws, encoding: 'utf8', maxBuffer: 256 << 20 });
let fresh = [];
try {
  fresh = JSON.parse(cli.stdout).findings.map((f) => `${f.file} ${f.rule} ${f.range.start.line}:${f.range.start.character}`).sort();
} catch {
  failures.push(`fresh analysis failed: ${cli.stderr}`);
}
const missing = fresh.filter((x) => !published.includes(x));
const extra = published.filter((x) => !fresh.includes(x));
if (missing.length || extra.length) failures.push(`diagnostics differ from a fresh analysis: ${missing.length} missing (${missing.slice(0, 5).join('; ')}), ${extra.length} extra (${extra.slice(0, 5).join('; ')})`);

// Memory: after warm-up (the first fifth), the last fifth's peak within 1.5x of the second fifth's peak.
const fifth = Math.max(1, Math.floor(memory.length / 5));
const warm = Math.max(...memory.slice(fifth, 2 * fifth).map((m) => m.rssKiB));
const late = Math.max(...memory.slice(-fifth).map((m) => m.rssKiB));
if (late > warm * 1.5) failures.push(`memory grew: ${Math.round(warm / 1024)} MiB after warm-up → ${Math.round(late / 1024)} MiB at the end`);
const internal = published.filter((p) => p.includes('internal-error'));
if (internal.length) failures.push(`internal errors published: ${internal.slice(0, 3).join('; ')}`);

latencies.sort((a, b) => a - b);
const summary = {
  edits: EDITS,
  seed: SEED,
  files: files.length,
  dnsQueries: dns.queries.length,
  seconds: Math.round((Date.now() - t0) / 1000),
  requests: latencies.length,
  requestP50Ms: latencies[Math.floor(latencies.length / 2)] ?? 0,
  requestMaxMs: latencies.at(-1) ?? 0,
  rssMiB: { afterWarmUp: Math.round(warm / 1024), lastFifthPeak: Math.round(late / 1024), final: Math.round(finalRss / 1024) },
  publishedDiagnostics: published.length,
  freshFindings: fresh.length,
  failures,
};
console.log(JSON.stringify(summary, null, 2));
if (failures.length) console.log(`workspace kept for inspection: ${ws}`);
else rmSync(ws, { recursive: true, force: true });
process.exit(failures.length ? 1 : 0);
