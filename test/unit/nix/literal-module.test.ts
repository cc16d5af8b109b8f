/**
 * Host discovery reads a literal module's `imports` and whether it sets `networking.hostName`
 * from the source text (literal-module.ts): the answers must be the evaluation's, spans
 * included, and every other shape must be left to the evaluation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostConfig } from '../../../server/src/nix/host-config';
import { literalModule, literalModuleFacts } from '../../../server/src/nix/literal-module';
import type { ImportRef } from '../../../server/src/nix/module';
import { evaluateModuleWith, moduleImports } from '../../../server/src/nix/module';
import type { ParsedNix } from '../../../server/src/nix/parse';
import { parseNixSync } from '../../../server/src/nix/parse';
import { CORPUS, FIXTURES } from '../../support/paths';
import { dump } from './dump-value';
import { nodesOnlyParser } from './nodes-only';
import { nixFilesUnder } from './nix-files';

/** A parser whose trees are not registered with their text: everything is read from nodes. */
const nodesOnly = nodesOnlyParser();

/** Files discovery reads from the text (the facts it can tell are checked against the evaluation). */
const LITERAL = [
  '# A host.\n{ config, lib, ... }: # formals\n/* the module */ {\n  # first\n  networking.hostName = "a"; /* between */ networking.domain = "example.org";\n  # last\n}\n# after\n',
  '{ lib, ... }:\n{\n  networking.interfaces.enp1s0 = {\n    ipv4.addresses = [ { address = "192.0.2.10"; prefixLength = 24; } ];\n  };\n  # no router advertisements\n  boot.kernel.sysctl = { "net.ipv6.conf.all.accept_ra" = 0; };\n  networking.nameservers = [ "192.0.2.2" "2001:db8::53" ];\n  x = config; z = true; w = null;\n}\n',
  '{ config, lib, pkgs, ... }:\n{\n  imports = [\n    ./network.nix\n    ../../modules/common.nix\n  ];\n\n  networking.hostName = "h0000";\n  users.users.ops0 = { isNormalUser = true; extraGroups = [ "wheel" ]; };\n}\n',
  '{ imports = [ ./a.nix /etc/nixos/b.nix ../c ./. ]; networking = { hostName = "x"; domain = "example.org"; }; }',
  '{ lib, ... }: { networking.domain = "site.example"; services.timesyncd.servers = [ "ntp.site.example" ]; }',
  '{ ... }: { imports = [ ]; networking.hostName.x = 1; }',
  '{ }: { networking = { hostName = { }; }; }',
  '{ networking.hostName = name; imports = [ ./a.nix ]; }',
  '{ a, ... }: { networking."hostName" = a; "imports" = [ ./q.nix ]; }',
  '{ networking = { }; networking.hostName = "late"; }',
  '{ }',
  '  \n{ config, ... }:   { x = config; }  \n',
];

/** Files that are not one literal set: evaluated as before. */
const EVALUATED = [
  '{ config, lib, ... }: { imports = [ ./a.nix ]; networking.hostName = lib.mkDefault "h"; }',
  'rec { imports = [ ./a.nix ]; networking.hostName = "h"; }',
  'let m = ./a.nix; in { imports = [ m ]; }',
  'args@{ ... }: { imports = [ ./a.nix ]; }',
  '{ a ? 1, ... }: { imports = [ ./a.nix ]; }',
  '{ config, ... }: { ... }: { imports = [ ./a.nix ]; }',
  '{ imports = [ ./a.nix ] networking.hostName = "h"; }',
  '{ a = 1 /* inside a binding */; }',
  '{ a = { b = 1; # inside a nested set\n }; }',
  '{ a = 1; } + { }',
]

/** Literal sets where one of the two answers is the evaluation's to give. */
const PARTLY = [
  { text: '{ imports = [ ./a.nix ]; imports = [ ./b.nix ]; }', imports: false, hostName: true },
  { text: '{ imports = [ ]; imports = [ ./b.nix ]; }', imports: false, hostName: true },
  { text: '{ imports.x = ./a.nix; }', imports: false, hostName: true },
  { text: '{ imports = [ ./a.nix "/b.nix" ]; }', imports: false, hostName: true },
  { text: '{ imports = [ { networking.hostName = "inline"; } ]; }', imports: false, hostName: true },
  { text: '{ imports = [ ./a.nix ]; networking = "x"; networking.hostName = "h"; }', imports: true, hostName: false },
  { text: '{ config, ... }: { config = { networking.hostName = "h"; }; imports = [ ./a.nix ]; }', imports: true, hostName: false },
  { text: '{ options = { }; networking.hostName = "h"; }', imports: true, hostName: false },
];

let counter = 0;
const parse = (text: string, path = `/w/hosts/m${counter++}/default.nix`): ParsedNix => parseNixSync({ path, kind: 'nix', text });

/** An import as compared: what resolution and messages read from it (an inline module by its kind). */
const refOf = (r: ImportRef) => ({ value: r.value.k === 'path' ? r.value : { k: r.value.k, at: r.value.at }, at: r.at, text: r.text });

/** What the evaluation answers, from a fresh evaluation of the same tree. */
function evaluated(p: ParsedNix) {
  const m = evaluateModuleWith(p, {});
  const cfg = new HostConfig();
  cfg.setModules([m]);
  return { imports: m.imports().map(refOf), setsHostName: cfg.defs(['networking', 'hostName']).length > 0 };
}

function assertAgrees(p: ParsedNix, label: string): void {
  const facts = literalModuleFacts(p);
  const expected = evaluated(p);
  if (facts?.imports) assert.deepEqual(moduleImports(p).map(refOf), expected.imports, `${label}: imports`);
  if (facts?.setsHostName !== undefined) assert.equal(facts.setsHostName, expected.setsHostName, `${label}: networking.hostName`);
  assert.deepEqual(moduleImports(p).map(refOf), expected.imports, `${label}: imports as discovery reads them`);
}

test('a literal module is read from its text, with the answers of its evaluation', () => {
  for (const text of LITERAL) {
    const p = parse(text);
    const facts = literalModuleFacts(p);
    assert.ok(facts?.imports, `read from the text: ${text}`);
    assertAgrees(p, text);
  }
});

test('imports read from the text resolve relative to the file, spans and text as written', () => {
  const p = parse('{ imports = [ ./a.nix\n  ../../m/c.nix /etc/x//y.nix ]; }', '/w/hosts/h1/default.nix');
  assert.deepEqual(
    moduleImports(p).map((r) => [r.value.k === 'path' ? r.value.p : r.value.k, r.at.start, r.at.end, r.text]),
    [
      ['/w/hosts/h1/a.nix', 14, 21, './a.nix'],
      ['/w/m/c.nix', 24, 37, '../../m/c.nix'],
      ['/etc/x/y.nix', 38, 51, '/etc/x//y.nix'],
    ],
  );
});

test('every other shape is left to the evaluation, which answers as before', () => {
  for (const text of EVALUATED) {
    const p = parse(text);
    assert.equal(literalModuleFacts(p), undefined, text);
    assertAgrees(p, text);
  }
  for (const { text, imports, hostName } of PARTLY) {
    const p = parse(text);
    const facts = literalModuleFacts(p);
    assert.equal(facts?.imports !== undefined, imports, `imports read from the text: ${text}`);
    assert.equal(facts?.setsHostName !== undefined, hostName, `hostName read from the text: ${text}`);
    assertAgrees(p, text);
  }
});

test('an unparsed file is never read from its text', () => {
  assert.equal(literalModuleFacts({ ...parse('{ imports = [ ./a.nix ]; }'), unparsed: 'not analysed: test' }), undefined);
});

test('the corpus and fixtures: discovery facts agree with the evaluation', () => {
  const files = [...nixFilesUnder(CORPUS), ...nixFilesUnder(join(FIXTURES, 'nix'))];
  for (const path of files) assertAgrees(parse(readFileSync(path, 'utf8'), path), path);
});

/** The module's value after module arguments, as building reads it, evaluated from the tree's nodes only. */
function fromNodes(path: string, text: string): unknown {
  const tree = nodesOnly().parse(text)!;
  try {
    return dump(evaluateModuleWith({ file: { path, kind: 'nix', text }, tree }, {}).top.force());
  } finally {
    tree.delete();
  }
}

test('a literal module evaluates from its text to the value its nodes give', () => {
  for (const text of [...LITERAL, ...PARTLY.map((c) => c.text)]) {
    const p = parse(text);
    assert.ok(literalModule(p), `literal: ${text}`);
    assert.deepEqual(dump(evaluateModuleWith(p, {}).top.force()), fromNodes(p.file.path, text), text);
  }
});

test('the corpus and fixtures evaluate as their nodes give', () => {
  for (const path of [...nixFilesUnder(CORPUS), ...nixFilesUnder(join(FIXTURES, 'nix'))]) {
    const text = readFileSync(path, 'utf8');
    assert.deepEqual(dump(evaluateModuleWith(parse(text, path), {}).top.force()), fromNodes(path, text), path);
  }
});
