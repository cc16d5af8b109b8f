/**
 * The compose edit builder writes edits under `networks:` from the layout the compose analysis
 * recorded (no second parse). These tests hold it to the parsing path, edit for edit: over
 * generated compose documents of many shapes and over the corpus compose files, the edits
 * with the layout equal those without it (the parsing path), and the block text written
 * directly equals the yaml library's `stringify`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { analyzeCompose, composeEditLayout } from '../../../server/src/compose';
import type { SourceFile } from '../../../server/src/core/source';
import { lineIndexOf } from '../../../server/src/core/source';
import { createEditKitWith } from '../../../server/src/edits/kit-impl';
import type { NixEditBackend } from '../../../server/src/edits/nix-backend';
import { DECLINED, editFromLayout, emitBlock, setComposeValue, type ComposePath } from '../../../server/src/edits/compose';
import { CORPUS } from '../../support/paths';
import { seededInts } from '../../support/seeded';
import { file } from './helpers';

const ULA = 'fd70:faff:3ca8:c625::/64';
/** The two values the "enable IPv6 on network" fix writes. */
const FIX_VALUES: readonly unknown[] = [{ enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } }, { ipam: { config: [{ subnet: ULA }] } }];

/** Requests to try on a document: the fix's, and others through and around the layout. */
function requests(networkNames: readonly string[]): { path: ComposePath; value: unknown }[] {
  const out: { path: ComposePath; value: unknown }[] = [];
  const names = [...new Set([...networkNames, 'default', 'fresh'])];
  names.forEach((n, i) => {
    for (const v of FIX_VALUES) out.push({ path: ['networks', n], value: v });
    out.push({ path: ['networks', n, 'enable_ipv6'], value: true });
    // One of the others per name, in turn.
    const other: { path: ComposePath; value: unknown }[] = [
      { path: ['networks', n, 'ipam', 'driver'], value: 'default' },
      { path: ['networks', n, 'ipam', 'config'], value: [{ subnet: ULA }] },
      { path: ['networks', n], value: { driver: 'bridge', labels: { 'com.example.v6': 'yes' } } },
      { path: ['networks', n, 'driver'], value: "it's" },
    ];
    out.push(other[(i + networkNames.length) % other.length]);
  });
  out.push({ path: ['networks'], value: { default: FIX_VALUES[0] } });
  out.push({ path: ['networks', 0], value: true });
  out.push({ path: [], value: { networks: { fresh: FIX_VALUES[1] } } });
  out.push({ path: ['services', 'a', 'ports', -1], value: '[::]:25:25' });
  out.push({ path: ['volumes', 'data'], value: { driver: 'local' } });
  return out;
}

interface Tally {
  compared: number;
  fromLayout: number;
  /** How often the fix's own requests were answered from the layout, and how often they yield an edit. */
  fixFromLayout: number;
  fixRequests: number;
  shapes: Map<string, number>;
}

function newTally(): Tally {
  return { compared: 0, fromLayout: 0, fixFromLayout: 0, fixRequests: 0, shapes: new Map() };
}

/** Analyses `text` as the engine does, then compares every request with and without the layout. */
function compareAll(path: string, text: string, networkNames: readonly string[], tally: Tally, expectLayout?: boolean): void {
  const f = file(path, text);
  analyzeCompose([f]);
  const layout = composeEditLayout(f);
  if (expectLayout !== undefined) assert.equal(!!layout, expectLayout, `layout recorded: ${text}`);
  if (!layout) return;
  const lines = lineIndexOf(f);
  for (const r of requests(networkNames)) {
    const parsed = setComposeValue({ path, text }, r.path, r.value);
    const withLayout = setComposeValue({ path, text, layout, lines }, r.path, r.value);
    assert.deepEqual(withLayout, parsed, `${JSON.stringify(r.path)} = ${JSON.stringify(r.value)} in:\n${text}`);
    const direct = editFromLayout({ path, text }, layout, r.path, r.value);
    tally.compared++;
    const isFix = r.path.length === 2 && r.path[0] === 'networks' && FIX_VALUES.includes(r.value);
    if (isFix) tally.fixRequests++;
    if (direct !== DECLINED) {
      tally.fromLayout++;
      if (isFix) tally.fixFromLayout++;
      const shape = !direct ? 'no edit' : direct.map((e) => (e.range.start.line === e.range.end.line && e.range.start.character === e.range.end.character ? 'insert' : 'replace')).join('+');
      tally.shapes.set(shape, (tally.shapes.get(shape) ?? 0) + 1);
    }
  }
}

// ---- generated documents ----------------------------------------------------------------

const NETWORK_NAMES = ['default', 'mail', 'front-end', 'net.1', 'back_end', '01', 'true'];

/** A compose document of a random shape, and the network names it declares. */
function generate(rnd: (n: number) => number): { text: string; names: string[] } {
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)];
  const step = pick([2, 2, 2, 4, 3, 1, 8]);
  const svcStep = rnd(3) === 0 ? pick([2, 4]) : step;
  const seqIn = rnd(3) > 0;
  const blank = rnd(2) === 0;
  const sp = (n: number) => ' '.repeat(n);
  const seqPad = (col: number, s: number) => (seqIn ? sp(col + s) : sp(col));
  const sections: string[] = [];
  const names: string[] = [];
  const anchors: string[] = [];

  if (rnd(4) === 0) sections.push(pick(['# A stack.', '---', '# comment\n---', '%YAML 1.2\n---']));
  if (rnd(2) === 0) sections.push(`name: ${pick(['app', '"app"', 'app-${X:-1}'])}`);
  if (rnd(3) === 0) {
    anchors.push('netdefaults');
    const body = pick([`${sp(step)}driver: bridge\n${sp(step)}enable_ipv6: false`, `${sp(step)}driver: bridge`, `${sp(step)}ipam:\n${sp(2 * step)}driver: default`]);
    sections.push(`x-net: &netdefaults\n${body}`);
  }
  if (rnd(8) === 0) sections.push(`x-top: &top\n${sp(step)}${pick(['networks', 'volumes'])}:\n${sp(2 * step)}shared:\n${sp(3 * step)}driver: bridge`);

  // services
  const svc: string[] = ['services:'];
  const nServices = 1 + rnd(3);
  for (let i = 0; i < nServices; i++) {
    const c = svcStep;
    svc.push(`${sp(c)}${'abc'[i]}:`);
    svc.push(`${sp(c + step)}image: img/${i}:latest${rnd(4) === 0 ? ' # pinned' : ''}`);
    const ports = rnd(3);
    if (ports === 1) svc.push(`${sp(c + step)}ports:\n${seqPad(c + step, step)}- "25:25"\n${seqPad(c + step, step)}- ${pick(['587:587', "'[::1]:465:465'", '::1:26:26'])}`);
    if (ports === 2) svc.push(`${sp(c + step)}ports: ["25:25"]`);
    const nets = rnd(3);
    if (nets === 1) svc.push(`${sp(c + step)}networks:\n${seqPad(c + step, step)}- mail`);
    if (nets === 2) svc.push(`${sp(c + step)}networks:\n${sp(c + 2 * step)}mail:\n${sp(c + 3 * step)}aliases: [m]`);
    if (rnd(3) === 0) svc.push(`${sp(c + step)}environment:\n${sp(c + 2 * step)}RELAYHOST: "[relay.example]:587"`);
    if (rnd(4) === 0) svc.push(`${sp(c + step)}# ports:\n${sp(c + step)}#   - "25:25"`);
  }
  if (rnd(4) === 0) svc.push(`${sp(svcStep + step)}# trailing comment of the last service`);
  sections.push(svc.join('\n'));

  if (rnd(2) === 0) sections.push(`volumes:\n${sp(step)}data:${rnd(2) === 0 ? `\n${sp(2 * step)}driver: local` : ''}`);

  // networks
  const netKind = rnd(10);
  if (netKind === 1) sections.push(pick(['networks:', 'networks: ~', 'networks: null', 'networks:   # none yet']));
  else if (netKind === 2) sections.push(pick(['networks: {}', 'networks: {default: {driver: bridge}}', 'networks: [mail]']));
  else if (netKind === 3 && rnd(2) === 0) sections.push(`networks: &nets\n${sp(step)}mail:\n${sp(2 * step)}driver: bridge`);
  else if (netKind >= 4) {
    const lines = ['networks:'];
    const n = 1 + rnd(3);
    const declared: string[] = [];
    for (let i = 0; i < n; i++) {
      const name = pick(NETWORK_NAMES);
      if (declared.includes(name)) continue;
      declared.push(name);
      const kind = rnd(12);
      if (kind === 0) lines.push(`${sp(step)}${name}:`);
      else if (kind === 1) lines.push(`${sp(step)}${name}: ${pick(['~', 'null', 'Null', '', '  # empty'])}`);
      else if (kind === 2) lines.push(`${sp(step)}${name}: ${pick(['{}', '{driver: bridge}', 'bridge', '"x"', '[a]'])}`);
      else if (kind === 3 && declared.length > 1) lines.push(`${sp(step)}${name}: *firstnet`);
      else {
        const anchor = declared.length === 1 && rnd(2) === 0 ? ' &firstnet' : '';
        lines.push(`${sp(step)}${name}:${anchor}${rnd(6) === 0 ? ' # the network' : ''}`);
        const c = 2 * step;
        const keys: string[] = [];
        if (anchors.length && rnd(3) === 0) keys.push(`${sp(c)}<<: *netdefaults`);
        if (rnd(2) === 0) keys.push(`${sp(c)}driver: bridge${rnd(4) === 0 ? ' # keep' : ''}`);
        if (rnd(3) === 0) keys.push(`${sp(c)}enable_ipv6: ${pick(['false', 'true', '"false"', "'false'", '${V6:-false}', '~', ''])}`);
        if (rnd(3) === 0) {
          const ipam = rnd(6);
          if (ipam === 0) keys.push(`${sp(c)}ipam:`);
          else if (ipam === 1) keys.push(`${sp(c)}ipam:\n${sp(c + step)}driver: default`);
          else if (ipam === 2) keys.push(`${sp(c)}ipam:\n${sp(c + step)}config:\n${seqPad(c + step, step)}- subnet: 172.28.0.0/16`);
          else if (ipam === 3) keys.push(`${sp(c)}ipam: {driver: default}`);
          else if (ipam === 4) keys.push(`${sp(c)}ipam:\n${sp(c + step)}config:`);
          else keys.push(`${sp(c)}ipam:\n${sp(c + step)}driver: default\n${sp(c + step)}# config:\n${sp(c + step)}#   - subnet: x`);
        }
        if (rnd(5) === 0) keys.push(`${sp(c)}labels:\n${sp(c + step)}com.example.owner: mail`);
        if (rnd(6) === 0) keys.push(`${sp(c)}external: ${pick(['true', 'false'])}`);
        if (!keys.length) keys.push(`${sp(c)}driver: bridge`);
        if (rnd(5) === 0) keys.push(`${sp(c + step)}# commented: out`);
        lines.push(...keys);
      }
    }
    names.push(...declared);
    if (rnd(6) === 0) lines.push(`${sp(step)}# another network here later`);
    sections.push(lines.join('\n'));
  }
  if (rnd(8) === 0) sections.push(`<<: *${sections.some((s) => s.startsWith('x-top')) ? 'top' : 'netdefaults'}`);
  if (rnd(3) === 0) sections.push(`configs:\n${sp(step)}main:\n${sp(2 * step)}file: ./main.cf`);

  // Shuffle the sections after the header, keeping anchors before their aliases.
  const body = sections.filter((s) => !s.startsWith('x-') && !s.startsWith('#') && !s.startsWith('---') && !s.startsWith('%'));
  const head = sections.filter((s) => !body.includes(s));
  for (let i = body.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [body[i], body[j]] = [body[j], body[i]];
  }
  let text = [...head, ...body].join(blank ? '\n\n' : '\n');
  if (rnd(6) === 0) text += pick(['\n# end of file', '\n  # indented trailing comment', '\n...']);
  if (rnd(8) > 0) text += '\n';
  if (rnd(10) === 0) text = text.replace(/\n/g, '\r\n');
  return { text, names };
}

test('generated compose documents: the edits from the recorded layout equal those of the parsing path', () => {
  const rnd = seededInts(20261121);
  const tally = newTally();
  let withLayout = 0;
  const N = 500;
  for (let i = 0; i < N; i++) {
    const { text, names } = generate(rnd);
    const before = tally.compared;
    compareAll('/w/gen/compose.yaml', text, names, tally);
    if (tally.compared > before) withLayout++;
  }
  // The layout path must carry the fix in most documents, not just decline into the parsing path.
  assert.ok(withLayout > N * 0.8, `documents with a layout: ${withLayout} of ${N}`);
  assert.ok(tally.fixFromLayout > tally.fixRequests * 0.75, `fix requests answered from the layout: ${tally.fixFromLayout} of ${tally.fixRequests}`);
  for (const shape of ['insert', 'replace', 'replace+insert', 'no edit']) assert.ok((tally.shapes.get(shape) ?? 0) > 50, `shape ${shape}: ${JSON.stringify([...tally.shapes])}`);
});

test('corpus compose files (and variants of them): the edits from the layout equal those of the parsing path', () => {
  const paths = [
    'mailcow__mailcow-dockerized/docker-compose.yml',
    'Mailu__Mailu/docs/compose/docker-compose.yml',
    'docker-mailserver__docker-mailserver/demo-setups/relay-compose.yaml',
    'docker-mailserver__docker-mailserver/compose.yaml',
    'hardware__mailserver/docker-compose.sample.yml',
  ];
  const tally = newTally();
  for (const rel of paths) {
    const text = readFileSync(join(CORPUS, rel), 'utf8');
    const names = [...text.matchAll(/^networks:\n((?:[ #].*\n|\n)*)/gm)].flatMap((m) => [...m[1].matchAll(/^ {2}([\w.-]+):/gm)].map((x) => x[1]));
    const variants = [
      text,
      text.replace(/\n/g, '\r\n'),
      text.trimEnd(),
      // Without the networks section, and with it emptied.
      text.replace(/^networks:\n(?:[ #].*\n|\n)*/m, ''),
      text.replace(/^networks:\n(?:[ #].*\n|\n)*/m, 'networks:\n'),
      // Twice the indentation.
      text.replace(/^( +)/gm, (m) => m + m),
    ];
    // The original parses cleanly, so its layout must be recorded; a variant may not parse.
    variants.forEach((v, i) => compareAll('/w/corpus/docker-compose.yml', v, names, tally, i === 0 ? true : undefined));
  }
  assert.ok(tally.fixFromLayout > tally.fixRequests * 0.6, `fix requests answered from the layout: ${tally.fixFromLayout} of ${tally.fixRequests}`);
});

test('the fleet stack shape (no networks section) gets its fix from the layout', () => {
  const text = [
    '# Stack of h0007: an app, its relay, and a metrics sidecar.',
    'name: h0007-apps',
    '',
    'services:',
    '  relay:',
    '    image: boky/postfix:latest',
    '    network_mode: service:tailscale',
    '    environment:',
    '      RELAYHOST: "[${SMARTHOST:-smtp.relay.example}]:587"',
    '',
    'volumes:',
    '  ts-state:',
    '',
  ].join('\n');
  const f = file('/w/stack/compose.yaml', text);
  analyzeCompose([f]);
  const layout = composeEditLayout(f);
  assert.ok(layout);
  const edits = editFromLayout({ path: f.path, text }, layout, ['networks', 'default'], FIX_VALUES[0]);
  assert.notEqual(edits, DECLINED);
  assert.deepEqual(edits, setComposeValue({ path: f.path, text }, ['networks', 'default'], FIX_VALUES[0]));
  assert.deepEqual(edits, [
    {
      file: f.path,
      range: { start: { line: 11, character: 11 }, end: { line: 11, character: 11 } },
      newText: `\n\nnetworks:\n  default:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: ${ULA}`,
    },
  ]);
});

test('a layout is only handed out for the text it was recorded from, and not for broken files', () => {
  const f = file('/w/l/compose.yaml', 'services:\n  a:\n    image: x\n');
  analyzeCompose([f]);
  assert.ok(composeEditLayout(f));
  assert.ok(composeEditLayout({ path: f.path, text: `${f.text}` }), 'equal text, other string');
  assert.equal(composeEditLayout({ path: f.path, text: 'services:\n  b:\n    image: x\n' }), undefined, 'other text');
  assert.equal(composeEditLayout({ path: '/w/other/compose.yaml', text: f.text }), undefined, 'other path');
  for (const broken of ['services:\n  a: [\n', 'a: 1\na: 2\n', '- a\n- b\n', '', '# only a comment\n', 'a: 1\n---\nb: 2\n']) {
    const b = file('/w/b/compose.yaml', broken);
    analyzeCompose([b]);
    assert.equal(composeEditLayout(b), undefined, JSON.stringify(broken));
  }
});

test('the edit kit hands the layout to the builder: same edits as parsing', () => {
  const files: SourceFile[] = [file('/w/k/compose.yaml', 'services:\n  a:\n    image: x\n\nnetworks:\n  mail:\n    driver: bridge # keep\n')];
  const [project] = analyzeCompose(files).projects;
  const kit = createEditKitWith(new Map(files.map((f) => [f.path, f])), {} as NixEditBackend);
  const edits = kit.setComposeValue(project, ['networks', 'mail'], FIX_VALUES[0]);
  assert.ok(edits?.length);
  assert.deepEqual(edits, setComposeValue({ path: files[0].path, text: files[0].text }, ['networks', 'mail'], FIX_VALUES[0]));
});

// ---- block text ---------------------------------------------------------------------------

const KEYS = ['a', 'enable_ipv6', 'ipam', 'config', 'subnet', 'x-y', 'a.b', 'true', '1', 'a b', 'x:', '-', '<<', 'é', 'null', 'yes', '~', '#c', 'a#b', 'k: v', '', '0x1f', 'on'];
const STRINGS = [
  ULA, '[::]:25:25', '25:25', 'bridge', 'true', 'False', '1.5', '0x1f', '0o17', '1e3', '.inf', '-.Inf', '.nan', '12:30', '-a', '- a', '-', '?', '? a', 'a: b', 'a:b', 'a #b', 'a#b',
  '', 'x\ny', 'ok ', ' ok', 'é', '2001:db8::1', '%x', '---', '--- x', '...x', '@x', '`x', 'a\tb', '\u2028', 'a,b', '[a]', '{a}', '*a', '&a', '!a', '|', '>', "'q'", '"q"', '#', 'null', '~', 'Null', '', 'yes', 'y', 'n', '+1', '-1', '01', '1_000', 'x'.repeat(120), `${'word '.repeat(30)}end`, '\u0007', 'a:', 'a: ',
];

/** Keys and strings `stringify` writes plain, for values that are mostly written directly. */
const PLAIN_KEYS = ['a', 'enable_ipv6', 'ipam', 'config', 'subnet', 'x-y', 'a.b', 'é', 'yes', 'on'];
const PLAIN_STRINGS = [ULA, '[::]:25:25', '25:25', 'bridge', '12:30', '-a', 'a:b', 'a#b', 'é', '2001:db8::1', 'a\tb', 'y', '1_000', 'x'.repeat(120)];

/** A random JS value: objects, arrays, scalars; `plain` draws keys and strings that stay plain, and no numbers or nulls. */
function randomValue(rnd: (n: number) => number, depth: number, shared: object[], plain: boolean): unknown {
  const r = rnd(10);
  if (depth < 3 && r < 4) {
    const o: Record<string, unknown> = {};
    const n = rnd(plain ? 3 : 4) + (plain ? 1 : 0);
    const keys = plain ? PLAIN_KEYS : KEYS;
    for (let i = 0; i < n; i++) o[keys[rnd(keys.length)]] = randomValue(rnd, depth + 1, shared, plain);
    if (rnd(20) === 0 && shared.length) return shared[rnd(shared.length)];
    shared.push(o);
    return o;
  }
  if (depth < 3 && r < 7) {
    const a: unknown[] = [];
    const n = rnd(plain ? 3 : 4) + (plain ? 1 : 0);
    for (let i = 0; i < n; i++) a.push(randomValue(rnd, depth + 1, shared, plain));
    return a;
  }
  const s = rnd(12);
  if (s === 0) return rnd(2) === 0;
  if (s === 1 && !plain) return rnd(3) === 0 ? null : rnd(100) - 50;
  return plain ? PLAIN_STRINGS[rnd(PLAIN_STRINGS.length)] : STRINGS[rnd(STRINGS.length)];
}

test('block text written directly equals stringify whenever it is written (any indent, both sequence styles)', () => {
  const rnd = seededInts(7);
  let emitted = 0;
  const total = 20000;
  for (let i = 0; i < total; i++) {
    const value = randomValue(rnd, 0, [], i % 2 === 0);
    const indent = 1 + rnd(8);
    const indentSeq = rnd(2) === 0;
    const direct = emitBlock(value, indent, indentSeq);
    if (direct === undefined) continue;
    emitted++;
    const expected = stringify(value, { indent, indentSeq, lineWidth: 0 }).replace(/\n$/, '');
    assert.equal(direct, expected, `${JSON.stringify(value)} indent ${indent} indentSeq ${indentSeq}`);
  }
  assert.ok(emitted > total / 4, `written directly: ${emitted} of ${total}`);
  // The fix's values are always written directly.
  for (const value of [...FIX_VALUES, { networks: { default: FIX_VALUES[0] } }, { 'front-end': FIX_VALUES[1] }, [{ subnet: ULA }]]) {
    for (let indent = 1; indent <= 8; indent++) {
      for (const indentSeq of [true, false]) {
        assert.equal(emitBlock(value, indent, indentSeq), stringify(value, { indent, indentSeq, lineWidth: 0 }).replace(/\n$/, ''));
      }
    }
  }
});
