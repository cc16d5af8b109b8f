import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Evaluator } from '../../../server/src/nix/evaluate';
import { initNixParser, parseNixSync } from '../../../server/src/nix/parse';
import { locateInString } from '../../../server/src/nix/strings';
import type { NixValue } from '../../../server/src/nix/values';
import { libValue } from '../../../server/src/nix/lib';
import { Lazy } from '../../../server/src/nix/values';

before(() => initNixParser());

let n = 0;
function evalText(text: string): { v: NixValue; text: string } {
  const path = `/t/eval-${n++}.nix`;
  const p = parseNixSync({ path, kind: 'nix', text });
  const ev = new Evaluator(path, text);
  const lib = new Map([['lib', Lazy.of(libValue())]]);
  return { v: ev.eval(p.tree.rootNode, { vars: lib }), text };
}

/** Plain JS of a value (unknown → {unknown: reason}). */
function plain(v: NixValue): unknown {
  switch (v.k) {
    case 'attrs':
      return Object.fromEntries([...v.attrs].map(([k, a]) => [k, plain(a.value.force())]));
    case 'list':
      return v.items.map((i) => plain(i.force()));
    case 'str':
      return v.holes ? { partial: v.s } : v.s;
    case 'int':
    case 'float':
      return v.n;
    case 'bool':
      return v.b;
    case 'null':
      return null;
    case 'path':
      return { path: v.external ?? v.p };
    case 'unknown':
      return { unknown: v.reason };
    default:
      return v.k;
  }
}

const get = (v: NixValue, ...keys: string[]): NixValue => {
  let cur = v;
  for (const k of keys) {
    assert.equal(cur.k, 'attrs', `at ${k}`);
    cur = (cur as Extract<NixValue, { k: 'attrs' }>).attrs.get(k)!.value.force();
  }
  return cur;
};

test('dotted and nested attribute paths build the same set', () => {
  const a = evalText('{ networking.interfaces.enp1s0.ipv6.addresses = [ "x" ]; networking.hostName = "h"; }').v;
  const b = evalText('{ networking = { interfaces.enp1s0 = { ipv6.addresses = [ "x" ]; }; }; networking.hostName = "h"; }').v;
  assert.deepEqual(plain(a), plain(b));
  assert.deepEqual(plain(a), { networking: { interfaces: { enp1s0: { ipv6: { addresses: ['x'] } } }, hostName: 'h' } });
});

test('let, rec, with, inherit and inherit-from', () => {
  const { v } = evalText(`let d = "example.test"; s = { a = 1; b = 2; }; in rec {
    inherit d;
    inherit (s) a;
    fqdn = "mail.\${d}";
    c = with s; b + a;
    self = fqdn;
  }`);
  assert.deepEqual(plain(v), { d: 'example.test', a: 1, fqdn: 'mail.example.test', c: 3, self: 'mail.example.test' });
});

test('module helpers are transparent and keep priorities', () => {
  const { v } = evalText('{ a = lib.mkIf true { x = 1; }; b = lib.mkForce "f"; c = lib.mkDefault 3; d = lib.mkMerge [ { y = 1; } ]; e = lib.mkIf false 1; o = lib.mkOverride 10 2; s = (lib.mkIf true { z = 2; }).z; }');
  // mkIf keeps its condition beside its content; the condition is read where a definition is used.
  const a = get(v, 'a');
  assert.ok(a.k === 'merge' && a.when && a.parts.length === 1);
  assert.deepEqual(plain(a.parts[0].force()), { x: 1 });
  assert.equal(plain(get(v, 's')), 2);
  assert.equal(get(v, 'b').priority, 50);
  assert.equal(get(v, 'c').priority, 1000);
  assert.equal(get(v, 'o').priority, 10);
  assert.equal(get(v, 'd').k, 'merge');
  const e = get(v, 'e');
  assert.ok(e.k === 'merge' && e.when?.force().k === 'bool');
});

test('lists, ++, //, concatStringsSep, optional(s), toString', () => {
  const { v } = evalText(`{
    l = [ 1 ] ++ [ 2 ];
    m = { a = 1; } // { b = 2; };
    s = lib.concatStringsSep ", " [ "a" "b" ];
    o = lib.optional true "x" ++ lib.optionals false [ "y" ];
    t = builtins.toString 25;
    p = "a" + "b";
    f = (x: x + 1) 2;
    c = builtins.concatMap (x: [ "-o" x ]) [ "a=1" ];
  }`);
  assert.deepEqual(plain(v), { l: [1, 2], m: { a: 1, b: 2 }, s: 'a, b', o: ['x'], t: '25', p: 'ab', f: 3, c: ['-o', 'a=1'] });
});

test('what cannot be evaluated is unknown with a reason, never a guess', () => {
  const { v } = evalText('{ pkgs }: { a = pkgs.hello; b = import ./x.nix; c = if pkgs.x then 1 else 2; d = "x${pkgs.y}"; }');
  assert.equal(v.k, 'fn');
  const body = (v as Extract<NixValue, { k: 'fn' }>).call(Lazy.of({ k: 'unknown', reason: 'not given', at: v.at }), v.at);
  for (const k of ['a', 'b', 'c']) assert.equal(get(body, k).k, 'unknown', k);
  const d = get(body, 'd');
  assert.ok(d.k === 'str' && d.holes?.length === 1, 'a string with an unknown interpolation keeps a hole');
});

test('hostile input is bounded', () => {
  const { v } = evalText('let f = x: f x; in { a = f 1; b = rec { x = x; }.x; }');
  assert.equal(get(v, 'a').k, 'unknown');
  assert.equal(get(v, 'b').k, 'unknown');
});

test('string ranges: interpolation, escapes and indented-string dedent map to the file', () => {
  const { v, text } = evalText('let suffix = "25"; in { a = "2001:db8::${suffix}"; b = "x\\ty"; c = \'\'\n    inet_protocols = all\n      smtp_bind_address6 = 2001:db8::1\n  \'\'; }');
  const a = get(v, 'a');
  assert.ok(a.k === 'str');
  assert.equal(a.s, '2001:db8::25');
  const loc = locateInString(a, 0, 10);
  assert.equal(text.slice(loc.start, loc.end), '2001:db8::');
  const whole = locateInString(a, 0, a.s.length);
  assert.equal(text.slice(whole.start, whole.end), '2001:db8::${suffix}');
  const inner = locateInString(a, 10, 12);
  assert.equal(text.slice(inner.start, inner.end), '25', 'inside the interpolated value: its own literal');
  const b = get(v, 'b');
  assert.ok(b.k === 'str' && b.s === 'x\ty');
  const esc = locateInString(b, 1, 2);
  assert.equal(text.slice(esc.start, esc.end), '\\t');
  const c = get(v, 'c');
  assert.ok(c.k === 'str');
  assert.equal(c.s, 'inet_protocols = all\n  smtp_bind_address6 = 2001:db8::1\n');
  const i = c.s.indexOf('2001:db8::1');
  const l = locateInString(c, i, i + 11);
  assert.equal(text.slice(l.start, l.end), '2001:db8::1');
});
