import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseDocument } from 'yaml';
import { analyzeCompose } from '../../../server/src/compose';
import { applyEdits, randomUlaSubnet64, setComposeValue, type ComposePath } from '../../../server/src/edits/compose';
import { CORPUS } from '../../support/paths';
import { file, service } from './helpers';

/** Applies setComposeValue, checks the result parses cleanly, and that every original line survives in order. */
function edit(text: string, path: ComposePath, value: unknown, opts: { onlyInserts?: boolean } = { onlyInserts: true }): string {
  const edits = setComposeValue({ path: '/w/p/compose.yaml', text }, path, value);
  assert.ok(edits, `no edit for ${JSON.stringify(path)}`);
  assert.ok(edits.every((e) => e.file === '/w/p/compose.yaml'));
  const out = applyEdits(text, edits);
  const doc = parseDocument(out);
  assert.deepEqual(doc.errors, [], out);
  if (opts.onlyInserts) {
    const outLines = out.split('\n');
    let i = 0;
    for (const l of text.split('\n')) {
      while (i < outLines.length && outLines[i] !== l) i++;
      assert.ok(i < outLines.length, `line lost: ${JSON.stringify(l)}\n${out}`);
      i++;
    }
  }
  return out;
}

const ULA = 'fd12:3456:789a::/64';

test('add enable_ipv6 under an existing network (Mailu, read in place)', () => {
  const text = readFileSync(join(CORPUS, 'Mailu__Mailu/docs/compose/docker-compose.yml'), 'utf8');
  const out = edit(text, ['networks', 'default', 'enable_ipv6'], true);
  assert.equal(parse(out).networks.default.enable_ipv6, true);
  assert.ok(out.includes('# WARNING: this file is being deprecated'), 'comments survive');
  assert.ok(out.endsWith('        - subnet: $SUBNET\n    enable_ipv6: true\n'), out.slice(-200));
});

test('add an IPv6 subnet to an existing ipam config and enable IPv6 in one edit', () => {
  const text = readFileSync(join(CORPUS, 'Mailu__Mailu/docs/compose/docker-compose.yml'), 'utf8');
  const edits = setComposeValue({ path: '/w/p/compose.yaml', text }, ['networks', 'default'], { enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } });
  assert.equal(edits?.length, 1, 'two insertions at one place become one edit');
  const out = edit(text, ['networks', 'default'], { enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } });
  assert.ok(out.endsWith(`        - subnet: $SUBNET\n        - subnet: ${ULA}\n    enable_ipv6: true\n`), out.slice(-200));
  const net = parse(out).networks.default;
  assert.deepEqual(net.ipam, { driver: 'default', config: [{ subnet: '$SUBNET' }, { subnet: ULA }] });
  // Applying it again adds nothing.
  const again = setComposeValue({ path: '/p', text: out }, ['networks', 'default'], { enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } });
  assert.equal(applyEdits(out, again!), out);
});

test('add an ipam block to a network that has none', () => {
  const text = 'services:\n  a:\n    image: x\n    networks: [mail]\n\nnetworks:\n  mail:\n    driver: bridge # keep me\n';
  const out = edit(text, ['networks', 'mail'], { enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } });
  assert.equal(out, `services:\n  a:\n    image: x\n    networks: [mail]\n\nnetworks:\n  mail:\n    driver: bridge # keep me\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: ${ULA}\n`);
  const p = analyzeCompose([file('/w/p/compose.yaml', out)]).projects[0];
  assert.equal(p.networks[0].enableIpv6?.known && p.networks[0].enableIpv6.value, true);
  assert.deepEqual(p.networks[0].subnets.map((s) => s.subnet.known && s.subnet.value), [ULA]);
});

test('create a top-level networks: section with default: when absent (docker-mailserver, read in place)', () => {
  const text = readFileSync(join(CORPUS, 'docker-mailserver__docker-mailserver/compose.yaml'), 'utf8');
  const out = edit(text, ['networks', 'default'], { enable_ipv6: true, ipam: { config: [{ subnet: ULA }] } });
  assert.ok(out.startsWith(text.trimEnd()), 'inserted after the trailing commented-out settings of the service');
  assert.ok(out.endsWith(`\nnetworks:\n  default:\n    enable_ipv6: true\n    ipam:\n      config:\n        - subnet: ${ULA}\n`), out.slice(-200));
  const p = analyzeCompose([file('/w/p/compose.yaml', out)]).projects[0];
  const net = p.networks.find((n) => n.name === 'default')!;
  assert.equal(net.implicit, false);
  assert.equal(net.enableIpv6?.known && net.enableIpv6.value, true);
  assert.ok(out.includes('#   test: "ss --listening --ipv4 --tcp'), 'comments survive');
});

test('a new top-level section follows the blank-line style of the file', () => {
  const text = 'services:\n  a:\n    image: x\n\nvolumes:\n  data:\n';
  const out = edit(text, ['networks', 'default', 'enable_ipv6'], true);
  assert.equal(out, 'services:\n  a:\n    image: x\n\nvolumes:\n  data:\n\nnetworks:\n  default:\n    enable_ipv6: true\n');
});

test('fill a network written with no value, or with ~', () => {
  const hardware = readFileSync(join(CORPUS, 'hardware__mailserver/docker-compose.sample.yml'), 'utf8');
  const out = edit(hardware, ['networks', 'mail_network', 'enable_ipv6'], true);
  assert.deepEqual(parse(out).networks.mail_network, { external: false, enable_ipv6: true });

  const empty = 'networks:\n  mail:\n  other: x\n';
  assert.equal(edit(empty, ['networks', 'mail', 'enable_ipv6'], true), 'networks:\n  mail:\n    enable_ipv6: true\n  other: x\n');
  const tilde = 'networks:\n  mail: ~\n';
  assert.equal(edit(tilde, ['networks', 'mail', 'enable_ipv6'], true, { onlyInserts: false }), 'networks:\n  mail:\n    enable_ipv6: true\n');
});

test('replace a port item, keeping or adding quotes', () => {
  const plain = 'services:\n  mta:\n    ports:\n      - ::1:25:25 # loopback\n      - "587:587"\n';
  const out = edit(plain, ['services', 'mta', 'ports', 0], '[::1]:25:25', { onlyInserts: false });
  assert.equal(out, 'services:\n  mta:\n    ports:\n      - "[::1]:25:25" # loopback\n      - "587:587"\n');
  const quoted = "services:\n  mta:\n    ports:\n      - '::1:25:25'\n";
  assert.equal(edit(quoted, ['services', 'mta', 'ports', 0], '[::1]:25:25', { onlyInserts: false }), "services:\n  mta:\n    ports:\n      - '[::1]:25:25'\n");
  const p = analyzeCompose([file('/w/p/compose.yaml', out)]).projects[0];
  assert.equal(service(p, 'mta').ports[0].hostIp, '::1');
  assert.equal(service(p, 'mta').ports[0].unbracketedIpv6, undefined);
});

test('add a port item in the style of its siblings', () => {
  const mailu = readFileSync(join(CORPUS, 'Mailu__Mailu/docs/compose/docker-compose.yml'), 'utf8');
  const out = edit(mailu, ['services', 'front', 'ports', -1], '[::]:25:25');
  assert.ok(out.includes('    - "$BIND_ADDRESS6:587:587"\n    - "[::]:25:25"\n    volumes:'), 'unindented sequence style, double quotes');
  const plain = 'services:\n  mta:\n    ports:\n      - 25:25\n';
  assert.equal(edit(plain, ['services', 'mta', 'ports', 1], '2001:db8::25:465:465'.replace('2001:db8::25', '[2001:db8::25]')), 'services:\n  mta:\n    ports:\n      - 25:25\n      - "[2001:db8::25]:465:465"\n');
  const none = 'services:\n  mta:\n    image: x\n';
  assert.equal(edit(none, ['services', 'mta', 'ports', 0], '[::]:25:25'), 'services:\n  mta:\n    image: x\n    ports:\n      - "[::]:25:25"\n');
});

test('indentation is taken from the file (4-space services, 2-space elsewhere in mailcow)', () => {
  const text = readFileSync(join(CORPUS, 'mailcow__mailcow-dockerized/docker-compose.yml'), 'utf8');
  const out = edit(text, ['services', 'netfilter-mailcow', 'ports', 0], '[::]:25:25');
  assert.ok(out.includes('        - /lib/modules:/lib/modules:ro\n      ports:\n        - "[::]:25:25"\n'), out);
  const env = edit(text, ['services', 'postfix-mailcow', 'environment', -1], 'RELAYHOST=[192.0.2.1]:587');
  assert.ok(env.includes('        - SPAMHAUS_DQS_KEY=${SPAMHAUS_DQS_KEY:-}\n        - RELAYHOST=[192.0.2.1]:587\n      cap_add:'));
});

test('no edit when it would not be safe', () => {
  const set = (text: string, path: ComposePath, v: unknown) => setComposeValue({ path: '/p', text }, path, v);
  assert.equal(set('networks: {default: {}}\n', ['networks', 'default', 'enable_ipv6'], true), undefined, 'flow mapping');
  assert.equal(set('services:\n  a:\n    ports: ["25:25"]\n', ['services', 'a', 'ports', -1], '26:26'), undefined, 'flow sequence');
  assert.equal(set('services: [\n', ['services'], {}), undefined, 'does not parse');
  assert.equal(set('x: &n\n  networks:\n    a:\nservices:\n  s:\n    <<: *n\n', ['services', 's', 'networks', 'b'], null), undefined, 'key only through a merge');
  assert.equal(set('services:\n  a: 1\n', ['services', 'a', 'ports', 0], 'x'), undefined, 'type mismatch');
  assert.equal(set('services:\n  a:\n    ports:\n      - "1:1"\n', ['services', 'a', 'ports', 5], 'x'), undefined, 'index out of range');
});

test('an empty file gets the keys', () => {
  assert.equal(edit('', ['networks', 'default', 'enable_ipv6'], true), 'networks:\n  default:\n    enable_ipv6: true\n');
  assert.equal(edit('# only a comment', ['networks', 'default', 'enable_ipv6'], true), '# only a comment\nnetworks:\n  default:\n    enable_ipv6: true\n');
});

test('replacing a scalar keeps everything else byte for byte', () => {
  const text = 'networks:\n  n:\n    enable_ipv6: false   # was off\n    driver: bridge\n';
  assert.equal(edit(text, ['networks', 'n', 'enable_ipv6'], true, { onlyInserts: false }), 'networks:\n  n:\n    enable_ipv6: true   # was off\n    driver: bridge\n');
});

test('CRLF files keep working', () => {
  const text = 'networks:\r\n  n:\r\n    driver: bridge\r\n';
  const edits = setComposeValue({ path: '/p', text }, ['networks', 'n', 'enable_ipv6'], true)!;
  const out = applyEdits(text, edits);
  assert.deepEqual(parse(out), { networks: { n: { driver: 'bridge', enable_ipv6: true } } });
});

test('random ULA /64: fd00::/8, 40-bit global ID, RFC 5952 text, injectable randomness', () => {
  assert.equal(randomUlaSubnet64(() => Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a])), 'fd12:3456:789a::/64');
  assert.equal(randomUlaSubnet64(() => Uint8Array.from([0, 0, 0, 0, 0])), 'fd00::/64');
  assert.equal(randomUlaSubnet64(() => Uint8Array.from([0x12, 0, 0, 0xab, 0xcd])), 'fd12:0:abcd::/64');
  assert.equal(randomUlaSubnet64(() => Uint8Array.from([0x01, 0x00, 0x20, 0x00, 0x03])), 'fd01:20:3::/64');
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const s = randomUlaSubnet64();
    assert.match(s, /^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){0,2}::\/64$/);
    seen.add(s);
  }
  assert.ok(seen.size > 15, 'random');
  assert.throws(() => randomUlaSubnet64(() => new Uint8Array(2)));
});
