/**
 * Binding keys read from the source text (syntax.ts `scanBindingKeys`) must be exactly the
 * keys the syntax nodes give: the evaluator's sets, spans included, are the same whether the
 * keys were scanned or read from the tree.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { Evaluator } from '../../../server/src/nix/evaluate';
import { parseNixSync } from '../../../server/src/nix/parse';
import { attrPathKeys, bindingPathKeys, scanBindingKeys, scanFormals } from '../../../server/src/nix/syntax';
import { Lazy } from '../../../server/src/nix/values';
import { dump } from './dump-value';
import { nodesOnlyParser } from './nodes-only';

/** A parser whose trees are not registered with their text: the evaluator reads every key from nodes. */
const nodesOnly = nodesOnlyParser();

/** Values read as literals from the text, and look-alikes that are not literals (all error-free). */
const LITERAL_CASES = [
  '{ a = "x"; b = ""; c = "$myhostname $$ a$"; d = "multi\nline é 🙂"; e = 42; f = 007; g = ./a.nix; h = ../../m/b-c+d_e.nix; i = /etc/x; j = ./.; }',
  '{ a = [ ]; b = [ "x" 1 ./p ]; c = ["a""b"]; d = [ 22]; e = [\n  ../x.nix\n  ./y\n];  f = [ [ 1 ] ]; }',
  '{ a = "x" + "y"; b = 1.5; c = 1e3; d = -1; e = "a${"b"}"; f = "a\\"b"; g = ./a/; h = ~/x; i = <nixpkgs>; j = ./a.nix + "/b"; k = "x".y or 1; }',
  '{ a = "x" /* c */; b = # c\n 1; c = [ 1 # c\n ]; d = ./x.nix /* c */; e = \'\'text\'\'; f = "x" ; g.h.i = [ "deep" ]; }',
  '{ a = { b = 1; c.d = "x"; }; a.e = 2; f = { }; g = [ { h = true; } { } ]; i = true; j = [ vim git ]; k = { l = { m = null; }; }; }',
  'let t = false; in { a = t; b = [ t ]; c = { d = t; e = [ { f = t; } ]; }; }',
  '{ a = { b = 1; }; a = { c = 2; }; d = 1; d.e = { f = 2; }; g.h = { i = 1; }; g = { j = 2; }; }',
  '{ a = { inherit b; }; c = { "q" = 1; }; d = { e = 1; /* c */ }; f = { g = x: x; }; h = { i = a.b; }; j = { k = rec { }; }; l = { m = [ [ 1 ] ]; }; n = x: x; o = a.b; p = { q = 1; } // { }; }',
  'rec { a = { b = c; }; c = 1; d = [ c { e = c; } ]; }',
  '{ boot.kernel.sysctl = { "net.ipv6.conf.all.accept_ra" = 0; "a b" = "x"; }; "q".r = 1; x."".y = 2; "é" = 3; }',
  `{ deep = ${'{ a = '.repeat(40)}1;${' };'.repeat(39)} }; }`,
];

/** Functions whose formals are read from the text, and those read from the tree (all error-free). */
const FORMALS_CASES = [
  '{ config, lib, pkgs, ... }: { x = config; y = lib; z = pkgs; }',
  '{ a,b,...}: { x = a; y = b; }',
  '{ }: { x = 1; }',
  '{ ... }: { x = 1; }',
  '{ a, b ? 2, ... }: { x = a; y = b; }',
  'args@{ a, ... }: { x = args; y = a; }',
  '{ a, ... }@args: { x = a; y = args; }',
  '{ a /* c */, b }: { x = a; y = b; }',
  'x: { y = x; }',
];

const CASES = [
  '{ networking.hostName = "h"; networking.domain = "example.org"; }',
  '{ a.b.c = 1; a = { d = 2; }; a.b.e = 3; a.b.c = 4; }',
  '{ a .\n  b\t. c = 1; x=2; }',
  "{ foo-bar'.x_1 = 1; _u = 2; inherited = 3; letter = 4; iff = 5; into = 6; rec' = 7; }",
  '{ services.nginx.virtualHosts."app.example.org".root = "/srv"; services.nginx.enable = true; }',
  '{ a."b.c".d = 1; "q".r = 2; a.${"x" + "y"}.z = 3; }',
  'let n = "eth0"; in { networking.interfaces.${n}.useDHCP = true; networking.interfaces.${n}.mtu = 1400; }',
  '{ a /* c */ . b = 1; a . /* c */ c = 2; a # c\n .d = 3; }',
  '{ x = 1; inherit (x) y; inherit x; z.w = { inherit x; v = 2; }; }',
  'rec { a.b = c; c = 1; }',
  '{ config, ... }: { a.b = config.x; a.c = 2; }',
  '{ a.or = 1; a.b.or.c = 2; }',
  '{ a = 1; a.b = 2; b.c = 1; b = 3; }',
  ...LITERAL_CASES,
  ...FORMALS_CASES,
  'let p = ./a.nix; xs = [ p ./b.nix ]; in { imports = xs ++ [ ./c.nix ]; n = 1; }',
  'rec { a = 1; b = [ a 2 ]; c = "c"; }',
  // Syntax errors: nothing is scanned, the tree is read as before.
  '{ a.b = 1; c. = 2; d.e = 3; }',
  '{ a.b = 1 d.e = 3; }',
];

function evaluate(path: string, text: string, root: Node): unknown {
  const v = new Evaluator(path, text).eval(root, {});
  return dump(v.k === 'fn' ? v.call(Lazy.of({ k: 'attrs', attrs: new Map(), at: v.at }), v.at) : v);
}

/** The text evaluated through the scans (the analysis's parser) equals its evaluation from the nodes. */
function assertScanReadsAsNodes(path: string, text: string): void {
  const scanned = evaluate(path, text, parseNixSync({ path, kind: 'nix', text }).tree.rootNode);
  const tree = nodesOnly().parse(text)!;
  try {
    assert.deepEqual(scanned, evaluate(path, text, tree.rootNode), text);
  } finally {
    tree.delete();
  }
}

test('evaluating with scanned keys gives the sets, spans and values of evaluating from the nodes', () => {
  CASES.forEach((text, i) => assertScanReadsAsNodes(`/t/scan-${i}.nix`, text));
});

test('every ASCII character (and a non-ASCII one) in keys, integers, paths and formals reads as from the nodes', () => {
  // The scanner's character classes must be the grammar's: a character it wrongly took into
  // (or left out of) an identifier, integer or path segment would change a key or a value.
  const chars = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), '\t', '\u00e9'];
  chars.forEach((c, i) => {
    for (const text of [`{ a${c}b = 1; }`, `{ a = 1${c}; }`, `{ a = ./x${c}y.nix; }`, `{ a = [ x${c} ]; }`, `{ a${c}, ... }: { b = a${c}; }`]) {
      assertScanReadsAsNodes(`/t/chars-${i}.nix`, text);
    }
  });
});

test('the scan reads plain identifier paths whole, stops before other keys, and declines the rest', () => {
  const text = '{ a.b-c\'.d = 1; x.y."z${"1"}".w = 2; "q.1".r = 3; "a\\"b" = 4; inherit a; # note\n m /* c */ .n = 4; }';
  const { tree } = parseNixSync({ path: '/t/scan-direct.nix', kind: 'nix', text });
  const set = tree.rootNode.namedChildren[0]!.namedChildren[0]!;
  const results = set.namedChildren.map((b) => {
    const s = scanBindingKeys(b!);
    return s && { keys: s.keys.map((k) => [k.name, text.slice(k.start, k.end)]), complete: s.complete };
  });
  assert.deepEqual(results, [
    { keys: [['a', 'a'], ["b-c'", "b-c'"], ['d', 'd']], complete: true },
    { keys: [['x', 'x'], ['y', 'y']], complete: false }, // an interpolated key
    { keys: [['q.1', '"q.1"'], ['r', 'r']], complete: true }, // a plain quoted key
    undefined, // a quoted key with an escape
    undefined, // inherit
    undefined, // comment
    undefined, // a comment inside the path: the scan cannot tell what follows
  ]);
  // Where the scan stops, the nodes hold the rest of the path.
  const second = set.namedChildren[1]!.childForFieldName('attrpath')!;
  assert.deepEqual(attrPathKeys(second), ['x', 'y', null, 'w']);
});

test('a tree with syntax errors is never scanned', () => {
  const text = '{ a.b = 1; c. = 2; }';
  const { tree } = parseNixSync({ path: '/t/scan-error.nix', kind: 'nix', text });
  assert.equal(tree.rootNode.hasError, true);
  const first = tree.rootNode.descendantsOfType('binding')[0]!;
  assert.equal(scanBindingKeys(first), undefined);
});

test('values are read from the text only when a plain literal is the whole expression', () => {
  const kinds = (i: number) => {
    const text = LITERAL_CASES[i];
    const { tree } = parseNixSync({ path: `/t/literal-${i}.nix`, kind: 'nix', text });
    assert.equal(tree.rootNode.hasError, false, text);
    return tree.rootNode.descendantsOfType('binding').map((b) => {
      const s = scanBindingKeys(b!);
      return s?.complete && s.literal ? s.literal.value.kind : '-';
    });
  };
  assert.deepEqual(kinds(0), ['string', 'string', 'string', 'string', 'int', 'int', 'path', 'path', 'path', 'path']);
  assert.deepEqual(kinds(1), ['list', 'list', 'list', 'list', 'list', '-']);
  assert.deepEqual(kinds(2), ['-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-']);
  assert.deepEqual(kinds(3), ['-', '-', '-', '-', '-', 'string', 'list']);
  // Sets and variables (every binding of the tree is listed, nested ones too).
  assert.deepEqual(kinds(4), ['set', 'int', 'string', 'int', 'set', 'list', 'var', 'var', 'list', 'set', 'set', 'var']);
  assert.deepEqual(kinds(5), ['var', 'var', 'list', 'set', 'var', 'list', 'var']);
  assert.deepEqual(kinds(6), ['set', 'int', 'set', 'int', 'int', 'set', 'int', 'set', 'int', 'set', 'int']);
  // inherit, comments, lambdas, selections, rec, lists of lists, operators: declined.
  assert.deepEqual(kinds(7), ['-', 'set', 'int', '-', 'int', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', '-', 'int']);
  assert.deepEqual(kinds(8), ['set', 'var', 'int', 'list', 'var']);
});

test('formals are read from the text only for plain `{ a, b, ... }:` functions', () => {
  const scanned = FORMALS_CASES.map((text, i) => {
    const { tree } = parseNixSync({ path: `/t/formals-${i}.nix`, kind: 'nix', text });
    assert.equal(tree.rootNode.hasError, false, text);
    const fn = tree.rootNode.descendantsOfType('function_expression')[0]!;
    return scanFormals(fn)?.map((k) => [k.name, text.slice(k.start, k.end)]);
  });
  assert.deepEqual(scanned, [
    [['config', 'config'], ['lib', 'lib'], ['pkgs', 'pkgs']],
    [['a', 'a'], ['b', 'b']],
    [],
    [],
    undefined, // a default
    undefined, // args@
    undefined, // @args
    undefined, // a comment
    undefined, // not a formals set
  ]);
});

test('binding keys for the edit builder are the same read from the text or from the nodes', () => {
  for (const [i, text] of CASES.entries()) {
    const { tree } = parseNixSync({ path: `/t/path-keys-${i}.nix`, kind: 'nix', text });
    const plain = nodesOnly().parse(text)!;
    try {
      const scanned = tree.rootNode.descendantsOfType('binding').map((b) => bindingPathKeys(b!));
      const fromNodes = plain.rootNode.descendantsOfType('binding').map((b) => bindingPathKeys(b!));
      assert.deepEqual(scanned, fromNodes, text);
    } finally {
      plain.delete();
    }
  }
});
