// nix/locate's canonicalIp decides which Nix strings are IP addresses. It no longer runs
// node:net's isIPv6 (a long regex); these tests pin that it accepts exactly what that check
// accepted, and gives the URL serialiser's RFC 5952 text as before.
import assert from 'node:assert/strict';
import { isIPv4, isIPv6 } from 'node:net';
import { test } from 'node:test';
import { Address4, Address6 } from 'ip-address';
import { parseIpLiteral, type IpLiteral } from '../../../server/src/core/ip-literal';
import { canonicalIp } from '../../../server/src/nix/locate';
import { seededInts } from '../../support/seeded';

/** The earlier code: node:net decides, the URL parser canonicalises. */
function reference(text: string): { address: string; family: 4 | 6 } | undefined {
  const t = text.trim();
  if (isIPv4(t)) return { address: t, family: 4 };
  const bare = t.replace(/%.*$/, '');
  if (!isIPv6(bare)) return undefined;
  return { address: new URL(`http://[${bare}]/`).hostname.slice(1, -1), family: 6 };
}

const GROUPS = ['0', '1', 'ff', 'FFFF', 'abcd', 'db8', '0000', '00000', '12345', 'g'];
const TAILS = ['192.0.2.1', '255.255.255.255', '0.0.0.0', '01.2.3.4', '256.1.1.1', '1.2.3', '1..2.3'];
const NOISE = '0123456789abcdefABCDEFg:.:.:';

/** An address of eight groups (or six and a dotted tail), perhaps compressed, perhaps mutated. */
function candidate(next: (n: number) => number): string {
  const tail = next(4) === 0;
  const groups = Array.from({ length: tail ? 6 : 8 }, () => GROUPS[next(GROUPS.length) < 7 ? next(7) : next(GROUPS.length)]);
  if (tail) groups.push(TAILS[next(3) ? 0 : next(TAILS.length)]);
  let s = groups.join(':');
  if (next(2)) {
    // Compress a run of groups (sometimes all of them, sometimes none) into `::`.
    const from = next(groups.length + 1);
    const to = from + next(groups.length + 1 - from);
    s = `${groups.slice(0, from).join(':')}::${groups.slice(to).join(':')}`;
  }
  const at = next(s.length + 1);
  switch (next(6)) {
    case 0:
      return s.slice(0, at) + s.slice(at + 1);
    case 1:
      return s.slice(0, at) + NOISE[next(NOISE.length)] + s.slice(at);
    case 2:
      return s.slice(0, at) + NOISE[next(NOISE.length)] + s.slice(at + 1);
    default:
      return s;
  }
}

function generated(count: number): string[] {
  const next = seededInts(5952);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const s = candidate(next);
    out.push(s);
    // Characters the URL parser would drop or refuse, zones, and white space around.
    if (i % 16 === 0) out.push(`${s}%eth0`, ` ${s} `, s.replace(':', ':\t'), s.replace(':', ':\n'), `[${s}]`);
  }
  return out;
}

test('the generated strings hold many IPv6 addresses, and many strings that are not addresses', () => {
  const all = generated(30_000).map(reference);
  assert.ok(all.filter((ip) => ip?.family === 6).length > 5_000);
  assert.ok(all.filter((ip) => ip === undefined).length > 5_000);
});

const FIXED = ['::', '::1', '1::', '::1.2.3.4', '::ffff:192.0.2.1', '2001:DB8::1', '2001:db8:0:0:0:0:0:1', '1:2:3:4:5:6:7::8', '1:2:3:4:5:6::8', 'fe80::1%eth0', '192.0.2.1', ' 192.0.2.1 ', '192.0.2.01', 'example.test', '', '2001:db8::g', '2001:db8::1/64',
  '::FFFF:C000:201', '2001:db8::192.0.2.1', '2001:0DB8:0000::0001', '[2001:db8::1]', '[192.0.2.1]', ' fe80::1%eth0 ', 'fe80::1%eth0\nx', '::ffff:192.0.2.01'];

test('canonicalIp accepts what node:net accepts, with the same text and family', () => {
  for (const s of [...FIXED, ...generated(30_000)]) assert.deepEqual(canonicalIp(s), reference(s), JSON.stringify(s));
});

/** What ip-address reads in a canonical text, as parseIpLiteral gives it (IPv4-mapped as IPv4). */
function libraryReading(text: string): IpLiteral {
  if (!text.includes(':')) return { family: 4, text, bits: new Address4(text).bigInt() };
  const a = new Address6(text);
  const v4 = a.isMapped4() ? a.embeddedIPv4() : null;
  if (v4) return { family: 4, text: v4.correctForm(), bits: v4.bigInt() };
  return { family: 6, text: a.correctForm(), bits: a.bigInt() };
}

// The rules read the model's addresses (canonicalIp's text) with parseIpLiteral: whatever
// canonicalIp accepts, parseIpLiteral must read as ip-address does.
test("parseIpLiteral of canonicalIp's text is what ip-address reads there", () => {
  for (const s of [...FIXED, ...generated(30_000)]) {
    const ip = canonicalIp(s);
    if (ip) assert.deepEqual(parseIpLiteral(ip.address), libraryReading(ip.address), JSON.stringify(s));
  }
});

test('canonicalIp keeps what is written; parseIpLiteral reads mapped addresses as IPv4 and takes brackets', () => {
  assert.deepEqual(canonicalIp('::FFFF:192.0.2.1'), { address: '::ffff:c000:201', family: 6 });
  assert.deepEqual(parseIpLiteral('::ffff:c000:201'), { family: 4, text: '192.0.2.1', bits: 0xc0000201n });
  assert.deepEqual(canonicalIp('2001:db8::192.0.2.1'), { address: '2001:db8::c000:201', family: 6 });
  assert.deepEqual(canonicalIp(' fe80::1%eth0 '), { address: 'fe80::1', family: 6 });
  assert.equal(canonicalIp('fe80::1%eth0\nx'), undefined);
  assert.equal(canonicalIp('[2001:db8::1]'), undefined);
  assert.deepEqual(parseIpLiteral('[2001:db8::1]'), { family: 6, text: '2001:db8::1', bits: 0x20010db8000000000000000000000001n });
  assert.equal(canonicalIp('192.0.2.01'), undefined);
  assert.equal(canonicalIp('::ffff:192.0.2.01'), undefined);
  assert.deepEqual(canonicalIp('2001:0DB8:0000::0001'), { address: '2001:db8::1', family: 6 });
});
