// parseIp (DNS view) and parseAddress (rules) check the syntax before calling ip-address, and
// the rules format IPv6 without it. These tests pin that neither changes a result: the
// reference implementations below are the previous code, which asked the library.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Address4, Address6 } from 'ip-address';
import { parseIp, type ParsedIp } from '../../../server/src/dns/names';
import { networkText, offsetAddress, parseAddress, type Ip } from '../../../server/src/rules/support/ip';
import { seededInts } from '../../support/seeded';

function referenceParseIp(text: string): ParsedIp | undefined {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (t.includes('/')) return undefined;
  if (Address4.isValid(t) && /^\d+\.\d+\.\d+\.\d+$/.test(t)) {
    const v4 = new Address4(t);
    return { family: 4, text: v4.correctForm(), v4 };
  }
  if (!Address6.isValid(t) || t.includes('%')) return undefined;
  const v6 = new Address6(t);
  const embedded = v6.isMapped4() ? v6.embeddedIPv4() : null;
  if (embedded) return { family: 4, text: embedded.correctForm(), v4: embedded };
  return { family: 6, text: v6.correctForm(), v6 };
}

function referenceParseAddress(raw: string): Ip | undefined {
  let t = raw.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (!t || t.includes('/') || t.includes('%')) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) {
    if (!Address4.isValid(t)) return undefined;
    const a = new Address4(t);
    return { family: 4, text: a.correctForm(), bits: a.bigInt() };
  }
  if (!t.includes(':') || !Address6.isValid(t)) return undefined;
  const a = new Address6(t);
  if (a.isMapped4()) {
    const v4 = a.embeddedIPv4();
    if (v4) return { family: 4, text: v4.correctForm(), bits: v4.bigInt() };
  }
  return { family: 6, text: a.correctForm(), bits: a.bigInt() };
}

/** What callers read of a ParsedIp (the library objects compared by their forms). */
function view(ip: ParsedIp | undefined): unknown {
  if (!ip) return undefined;
  return {
    family: ip.family,
    text: ip.text,
    v4: ip.v4 && [ip.v4.correctForm(), ip.v4.subnetMask, ip.v4.bigInt()],
    v6: ip.v6 && [ip.v6.correctForm(), ip.v6.canonicalForm(), ip.v6.subnetMask, ip.v6.zone, ip.v6.reverseForm()],
  };
}

const HAND = [
  '', ' ', '[]', '[', ']', ':', '::', ':::', '::1', '[::1]', ' [::1] ', '::ffff:192.0.2.1', '::ffff:c000:201', '[::ffff:192.0.2.1]',
  '::192.0.2.1', '64:ff9b::192.0.2.1', '2001:db8::25', '2001:DB8::25', '2001:0db8:0000:0000:0000:0000:0000:0025', '2001:db8:0:0:1:0:0:1',
  '2001:db8::1::2', '2001:db8:::1', '2001:db8::g', '2001:db8::1%eth0', 'fe80::1%eth0', 'fe80::1%25eth0', '[fe80::1%eth0]', '2001:db8::/64',
  '2001:db8::1/128', '2001:db8::25/64%x', '12345::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:1.2.3.4',
  '::1.2.3.04', '::1.2.3', '::1.2.3.4.5', '1.2.3.4', ' 1.2.3.4 ', '[1.2.3.4]', '01.2.3.4', '1.2.3.004', '256.1.1.1', '255.255.255.255',
  '0.0.0.0', '1.2.3', '1.2.3.4.5', '1.2.3.4/24', '1.2.3.4/33', '1.2.3.4%eth0', '1.2.3.4:25', '[1.2.3.4]:25', '[2001:db8::1]:25',
  '2001:db8::1:25', 'mail.example.org', 'MAIL.EXAMPLE.ORG.', 'example', 'localhost', 'loopback-only', 'all', 'ipv4, ipv6', 'cafe',
  'cafe:babe', 'cafe::babe', 'face:b00c::', 'dead:beef::1', 'x::1', '::x', 'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
  '0:0:0:0:0:0:0:0', '0:0:0:0:0:ffff:192.0.2.1', '::ffff:0:192.0.2.1', ':1', '1:', '1::', '::1::', '1.2.3.4::', '\u0661.2.3.4',
  '１.2.3.4', '2001:db8::\u0661', '2001:db8::ſ', '[::1', '::1]', '[[::1]]', '{{ SUBNET6 }}', '${ipv6}', 'PH_ADDR', '-', '1-2-3-4',
  '2001:db8:25::25 2001:db8:25::26', '2001:db8::1\n', '\t1.2.3.4', '1.2.3.4\u00a0', '2001:db8:0:1::/48', '::/0', '0.0.0.0/0',
];

/** Strings built from the characters the parsers care about (fixed seed). */
function generated(count: number): string[] {
  const next = seededInts(20261121);
  const alphabet = '0123456789abcdefABCDEF::::....gxz%/[] -';
  const pieces = ['2001', 'db8', '::', ':', '.', '192', '0', '2', '1', 'ffff', '25', '255', '256', '01', '%', 'eth0', '/', '64', '[', ']', 'fe80'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    const len = 1 + next(14);
    for (let j = 0; j < len; j++) s += next(3) === 0 ? alphabet[next(alphabet.length)] : pieces[next(pieces.length)];
    out.push(s);
  }
  // Address-shaped strings: IPv4 octets (some out of range or zero-padded), IPv6 groups
  // written in full, compressed, upper case, with a dotted-quad tail, or with a group too many.
  for (let i = 0; i < 3000; i++) {
    const octet = () => String(next(10) === 0 ? 250 + next(10) : next(256)).padStart(next(8) === 0 ? 3 : 1, '0');
    const quad = [octet(), octet(), octet(), octet()].join('.');
    const groups = Array.from({ length: 8 }, () => (next(3) === 0 ? '0' : next(0x10000).toString(16)));
    if (next(4) === 0) groups.splice(6, 2, quad);
    if (next(10) === 0) groups.push('1');
    let v6 = groups.join(':');
    if (next(2) === 0) v6 = v6.replace(/(^|:)0(:0)+(:|$)/, '::');
    if (next(5) === 0) v6 = v6.toUpperCase();
    out.push(quad, v6, next(4) === 0 ? `::ffff:${quad}` : `[${v6}]`);
    // IPv4-mapped written in hex (the rules read those as IPv4), and near misses.
    out.push(`::ffff:${next(0x10000).toString(16)}:${next(0x10000).toString(16)}`, `0:0:0:0:${next(2)}:ffff:${next(0x10000).toString(16)}:0`, `::fffe:${next(0x10000).toString(16)}:1`);
  }
  // Addresses with one character changed, inserted or removed.
  for (const base of ['2001:db8:25::25', '::ffff:192.0.2.1', '192.0.2.1', '1:2:3:4:5:6:7:8', 'fe80::1']) {
    for (let i = 0; i <= base.length; i++) {
      for (const c of ['', ':', '.', '0', 'f', 'g', '%', '/', ' ']) {
        out.push(base.slice(0, i) + c + base.slice(i + 1), base.slice(0, i) + c + base.slice(i));
      }
    }
  }
  return out;
}

const CASES = [...new Set([...HAND, ...generated(30000)])];

test('parseIp gives what asking ip-address about every string gave', () => {
  let valid = 0;
  for (const s of CASES) {
    const expected = referenceParseIp(s);
    if (expected) valid++;
    assert.deepEqual(view(parseIp(s)), view(expected), JSON.stringify(s));
  }
  assert.ok(valid > 500, `only ${valid} valid addresses among the cases`);
});

test('parseAddress gives what asking ip-address about every string gave', () => {
  let valid = 0;
  for (const s of CASES) {
    const expected = referenceParseAddress(s);
    if (expected) valid++;
    assert.deepEqual(parseAddress(s), expected, JSON.stringify(s));
  }
  assert.ok(valid > 500, `only ${valid} valid addresses among the cases`);
});

test('offsetAddress and networkText write IPv6 as ip-address does', () => {
  const next = seededInts(128);
  for (let i = 0; i < 5000; i++) {
    const groups = Array.from({ length: 8 }, () => (next(2) === 0 ? 0 : next(0x10000)));
    const bits = BigInt('0x' + groups.map((g) => g.toString(16).padStart(4, '0')).join(''));
    const ip: Ip = { family: 6, text: Address6.fromBigInt(bits).correctForm(), bits };
    for (const d of [-1, 1]) {
      const n = offsetAddress(ip, d);
      const expected = bits + BigInt(d) < 0n || bits + BigInt(d) >= 1n << 128n ? undefined : Address6.fromBigInt(bits + BigInt(d)).correctForm();
      assert.equal(n?.text, expected, ip.text);
    }
    const len = next(129);
    assert.equal(networkText(ip, len), `${Address6.fromBigInt((bits >> BigInt(128 - len)) << BigInt(128 - len)).correctForm()}/${len}`);
  }
});
