// mayHoldTailnetAddress lets hardcoded-tailnet-address skip parsing a value: it must keep
// every value whose next hop parses as a 100.64.0.0/10 address, in every written form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTailnetAddress, mayHoldTailnetAddress, parseNextHop } from '../../../server/src/rules/support/next-hops';

/**
 * The ways a value can write the IPv4 address a.b.c.d as a next hop: `parsed` ones the parser
 * reads as that address; `other` ones (IPv4-mapped without brackets) it does not read as an
 * address today, but the pre-test must keep them too should it ever do.
 */
function writtenForms(a: number, b: number, c: number, d: number): { parsed: string[]; other: string[] } {
  const dotted = `${a}.${b}.${c}.${d}`;
  const hi = (a << 8) | b;
  const lo = (c << 8) | d;
  const hex = (n: number) => n.toString(16);
  const mapped = [
    `::ffff:${hex(hi)}:${hex(lo)}`,
    `::FFFF:${hex(hi).toUpperCase()}:${hex(lo).toUpperCase()}`,
    `0:0:0:0:0:ffff:${hex(hi).padStart(4, '0')}:${hex(lo).padStart(4, '0')}`,
    `0000:0000:0000:0000:0000:ffff:${hex(hi)}:${hex(lo)}`,
    `::ffff:${dotted}`,
    `0:0:0:0:0:ffff:${dotted}`,
  ];
  const parsed = [dotted, `${dotted}:25`, `[${dotted}]`, `[${dotted}]:587`, `smtp://${dotted}:25`, `smtps://[${dotted}]:465/`];
  for (const m of mapped) parsed.push(`[${m}]`, `[${m}]:25`, `submission://[${m}]:587`);
  return { parsed, other: [...mapped, ...mapped.map((m) => `lmtp://${m}`)] };
}

const SAMPLES: [number, number, number, number][] = [
  [100, 64, 0, 0],
  [100, 64, 0, 1],
  [100, 100, 100, 100],
  [100, 101, 102, 103],
  [100, 127, 255, 255],
  [100, 90, 1, 2],
  [100, 64, 10, 0],
];

test('mayHoldTailnetAddress keeps every written form of tailnet addresses', () => {
  let parsed = 0;
  for (const s of SAMPLES) {
    const forms = writtenForms(...s);
    for (const text of forms.parsed) {
      const hop = parseNextHop(text);
      assert.ok(hop?.address && isTailnetAddress(hop.address), `${text} parses as a tailnet address`);
      assert.equal(hop.address, s.join('.'), text);
      assert.ok(mayHoldTailnetAddress(text), text);
      parsed++;
    }
    for (const text of forms.other) assert.ok(mayHoldTailnetAddress(text), text);
  }
  assert.equal(parsed, SAMPLES.length * 24);
});

test('mayHoldTailnetAddress: every 100.64.0.0/10 address in mapped hex form, by its upper group', () => {
  // The upper group runs 0x6440..0x647f over the /10; the lower group does not matter.
  for (let b = 64; b < 128; b++) {
    const text = `[::ffff:${((100 << 8) | b).toString(16)}:1]:25`;
    const hop = parseNextHop(text);
    assert.ok(hop?.address && isTailnetAddress(hop.address), text);
    assert.ok(mayHoldTailnetAddress(text), text);
  }
});

test('mayHoldTailnetAddress skips values without an address, and addresses outside 100.64.0.0/10', () => {
  for (const text of ['smtp.example.net:587', '[relay.example.org]:25', 'true', 'Europe/Berlin', '192.0.2.25', '2001:db8::25', '::ffff:c000:219', '/var/lib/mail']) {
    assert.equal(mayHoldTailnetAddress(text), false, text);
    const hop = parseNextHop(text);
    assert.ok(!hop?.address || !isTailnetAddress(hop.address), text);
  }
});
