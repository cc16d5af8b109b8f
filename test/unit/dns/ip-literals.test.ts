// core/ip-literal parses addresses for the DNS view (parseIp) and the rules (parseAddress)
// without ip-address for the common forms, and computes reverse names, network membership and
// SPF's %{i} from bits. These tests pin that none of it changes a result: the reference
// below is the earlier code, which asked the library.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Address4, Address6 } from 'ip-address';
import { canonicalIpv6, ipText, networkBits, parseIpLiteral, type IpLiteral } from '../../../server/src/core/ip-literal';
import { ipInNetwork, normalizeName, parseIp, reverseName } from '../../../server/src/dns/names';
import { expandMacros } from '../../../server/src/dns/spf';
import { networkText, offsetAddress, parseAddress, type Ip } from '../../../server/src/rules/support/ip';
import { seededInts } from '../../support/seeded';

interface Reference {
  readonly ip: IpLiteral;
  readonly lib: Address4 | Address6;
}

function reference(raw: string): Reference | undefined {
  let t = raw.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  if (!t || t.includes('/') || t.includes('%')) return undefined;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(t)) {
    if (!Address4.isValid(t)) return undefined;
    return v4Reference(new Address4(t));
  }
  if (!t.includes(':') || !Address6.isValid(t)) return undefined;
  const a = new Address6(t);
  const embedded = a.isMapped4() ? a.embeddedIPv4() : null;
  if (embedded) return v4Reference(embedded);
  return { ip: { family: 6, text: a.correctForm(), bits: a.bigInt() }, lib: a };
}

function v4Reference(a: Address4): Reference {
  return { ip: { family: 4, text: a.correctForm(), bits: a.bigInt() }, lib: a };
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
const VALID = CASES.map((s) => [s, reference(s)] as const).filter((c): c is readonly [string, Reference] => c[1] !== undefined);

test('parseIp and parseAddress give what asking ip-address about every string gave', () => {
  assert.ok(VALID.length > 500, `only ${VALID.length} valid addresses among the cases`);
  for (const s of CASES) {
    const expected = reference(s)?.ip;
    assert.deepEqual(parseIpLiteral(s), expected, JSON.stringify(s));
    assert.equal(parseIp(s), parseIpLiteral(s));
    assert.equal(parseAddress(s), parseIpLiteral(s));
  }
});

test('reverseName gives the reverse form ip-address gives', () => {
  for (const s of CASES) {
    const r = reference(s);
    assert.equal(reverseName(s), r && normalizeName(r.lib.reverseForm()), JSON.stringify(s));
  }
});

test("SPF's %{i} and the hover's /64 of an IPv6 address read its nibbles and groups as ip-address does", () => {
  for (const [s, r] of VALID) {
    if (!(r.lib instanceof Address6)) continue;
    const ip = parseIpLiteral(s)!;
    assert.equal(expandMacros('%{i}', { ip, sender: 'postmaster@example.org' }, 'example.org'), r.lib.canonicalForm().replace(/:/g, '').split('').join('.'));
    const net64 = r.lib.mask(64).padEnd(128, '0').match(/.{16}/g)!.map((b) => parseInt(b, 2).toString(16)).join(':');
    assert.equal(ipText(6, networkBits(ip, 64)), new Address6(net64).correctForm(), s);
  }
});

test('ipInNetwork answers as ip-address isInSubnet does', () => {
  const next = seededInts(7208);
  let inside = 0;
  for (const [s, r] of VALID) {
    const ip = r.ip;
    const width = ip.family === 4 ? 32 : 128;
    // Networks that share a random number of leading bits with the address, and prefixes around that.
    const shared = next(width + 1);
    const flipped = shared === width ? ip.bits : ip.bits ^ (1n << BigInt(width - 1 - shared));
    const networks = [ipText(ip.family, flipped), VALID[next(VALID.length)][1].ip.text];
    for (const network of networks) {
      for (const prefix of [0, shared - 1, shared, shared + 1, next(width + 1), width].filter((p) => p >= 0 && p <= width)) {
        const net = reference(network)!;
        const expected = net.ip.family === ip.family && r.lib.isInSubnet(new (ip.family === 4 ? Address4 : Address6)(`${net.ip.text}/${prefix}`));
        if (expected) inside++;
        assert.equal(ipInNetwork(parseIpLiteral(s)!, network, prefix), expected, `${s} in ${network}/${prefix}`);
      }
    }
  }
  assert.ok(inside > 1000, `only ${inside} addresses inside their networks`);
  // An IPv4-mapped network with a prefix only IPv6 allows (an SPF ip6: term) is refused as before.
  assert.throws(() => ipInNetwork(parseIpLiteral('192.0.2.1')!, '::ffff:192.0.2.0', 120));
});

test('canonicalIpv6 gives the correct form ip-address gives', () => {
  for (const s of CASES) {
    if (s.includes('/') || s.includes('%')) continue;
    let expected: string | undefined;
    try {
      expected = new Address6(s).correctForm();
    } catch {
      expected = undefined;
    }
    assert.equal(canonicalIpv6(s), expected, JSON.stringify(s));
  }
});

test('offsetAddress and networkText write IPv6 as ip-address does', () => {
  const next = seededInts(128);
  // Around the IPv4-mapped range, whose addresses parse as IPv4.
  for (const text of ['::fffe:ffff:ffff', '::ffff:0:0', '::ffff:ffff:ffff', '::1:0:0:0']) {
    const ip = reference(text)!.ip;
    for (const d of [-1, 1]) {
      const n = offsetAddress(ip, d);
      if (n) assert.deepEqual(parseIpLiteral(n.text), reference(n.text)?.ip, n.text);
    }
  }
  for (let i = 0; i < 5000; i++) {
    const groups = Array.from({ length: 8 }, () => (next(2) === 0 ? 0 : next(0x10000)));
    const bits = BigInt('0x' + groups.map((g) => g.toString(16).padStart(4, '0')).join(''));
    const ip: Ip = { family: 6, text: Address6.fromBigInt(bits).correctForm(), bits };
    for (const d of [-1, 1]) {
      const n = offsetAddress(ip, d);
      const expected = bits + BigInt(d) < 0n || bits + BigInt(d) >= 1n << 128n ? undefined : Address6.fromBigInt(bits + BigInt(d)).correctForm();
      assert.equal(n?.text, expected, ip.text);
      // offsetAddress remembers what it computes for parseIp: it must be what parsing gives.
      if (n) assert.deepEqual(parseIpLiteral(n.text), reference(n.text)?.ip, n.text);
    }
    const len = next(129);
    assert.equal(networkText(ip, len), `${Address6.fromBigInt((bits >> BigInt(128 - len)) << BigInt(128 - len)).correctForm()}/${len}`);
  }
});
