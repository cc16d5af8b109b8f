import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Address6 } from 'ip-address';
import { canonicalIpv6Groups, formatIpv6Groups, hexOnlyIpv6Text, ipv6Groups } from '../../server/src/core/ipv6-text';
import { seededInts } from '../support/seeded';

test('formatIpv6Groups gives the RFC 5952 text ip-address gives', () => {
  const cases = ['2001:db8::25', '::1', '::', 'fe80::1', '2001:db8:0:0:1:0:0:1', '2001:0:0:1::1', 'fd12:3456:789a::', '2001:db8:1:2:3:4:5:6', '0:0:1::'];
  for (const text of cases) {
    const a = new Address6(text);
    const groups = a.canonicalForm().split(':').map((g: string) => parseInt(g, 16));
    assert.equal(formatIpv6Groups(groups), a.correctForm(), text);
  }
});

test('formatIpv6Groups agrees with ip-address on addresses with zero runs of every length and place', () => {
  const next = seededInts(5952);
  for (let i = 0; i < 20000; i++) {
    // Mostly zero groups, so that runs of zeros compete for the '::'.
    const groups = Array.from({ length: 8 }, () => (next(2) === 0 ? 0 : next(4) === 0 ? 0xffff : next(0x10000)));
    const a = Address6.fromBigInt(BigInt('0x' + groups.map((g) => g.toString(16).padStart(4, '0')).join('')));
    assert.equal(formatIpv6Groups(groups), a.correctForm(), groups.join(','));
  }
});

test('ipv6Groups reads back the groups of every compressed form formatIpv6Groups writes', () => {
  const next = seededInts(4291);
  for (let i = 0; i < 20000; i++) {
    const groups = Array.from({ length: 8 }, () => (next(2) === 0 ? 0 : next(0x10000)));
    const text = formatIpv6Groups(groups);
    assert.deepEqual(ipv6Groups(text), groups, text);
    assert.equal(ipv6Groups(text).length, 8, text);
  }
  assert.deepEqual(ipv6Groups('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(ipv6Groups('2001:db8::'), [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(ipv6Groups('::ffff:c000:225'), [0, 0, 0, 0, 0, 0xffff, 0xc000, 0x225]);
});

test('canonicalIpv6Groups accepts exactly the texts the URL parser leaves unchanged, with their groups', () => {
  const next = seededInts(5953);
  const alphabet = '0123456789abcdefABCDEF:::::';
  const check = (text: string) => {
    const fast = canonicalIpv6Groups(text);
    const url = hexOnlyIpv6Text(text);
    if (fast === undefined) assert.ok(url !== text, `declined a canonical text: ${text}`);
    else {
      assert.equal(url, text, text);
      assert.deepEqual(fast, ipv6Groups(text), text);
    }
  };
  for (let i = 0; i < 20000; i++) {
    // Canonical texts of addresses with zero runs of every length and place ...
    const groups = Array.from({ length: 8 }, () => (next(2) === 0 ? 0 : next(4) === 0 ? 0xffff : next(0x10000)));
    const text = formatIpv6Groups(groups);
    assert.deepEqual(canonicalIpv6Groups(text), groups, text);
    check(text);
    // ... their other spellings (leading zeros, upper case, a single zero group as '::') ...
    check(groups.map((g) => g.toString(16).padStart(4, '0')).join(':'));
    check(text.toUpperCase());
    // ... and random strings of hex digits and colons.
    check(Array.from({ length: 1 + next(40) }, () => alphabet[next(alphabet.length)]).join(''));
  }
  for (const text of ['::', '::1', '1::', '1:0:2:3:4:5:6:7', '1::2:3:4:5:6:7', '12345::', ':::', 'a:::b', ':', '', '0::1', '::ffff:c000:225', '1:2:3:4:5:6:7:8:9']) check(text);
});
