import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedRegion, editAndProve, fixture, nixEdits } from './fixture';
import { sourceFile } from './nix-oracle';

const IPV6 = ['networking', 'interfaces', 'ens3', 'ipv6', 'addresses'];
const ADDRESS_LIST = '[\n  { address = "2001:db8::10"; prefixLength = 64; }\n]';
const ADDRESS_JSON = [{ address: '2001:db8::10', prefixLength: 64 }];
const GATEWAY6 = '{ address = "fe80::1"; interface = "ens3"; }';

describe('setNixAttr merges into the existing structure', () => {
  it('dotted bindings: a dotted sibling right after the binding sharing the longest prefix', async () => {
    const r = await editAndProve(fixture('dotted.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.equal(
      changedRegion(r),
      [
        '  ];',
        '  networking.interfaces.ens3.ipv6.addresses = [',
        '    { address = "2001:db8::10"; prefixLength = 64; }',
        '  ];',
      ].join('\n'),
    );
  });

  it('nested sets: inside the innermost set that covers the path, at its indentation', async () => {
    const r = await editAndProve(fixture('nested.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.match(r.after, /\n {8}\];\n {8}ipv6\.addresses = \[\n {10}\{ address = "2001:db8::10"; prefixLength = 64; \}\n {8}\];\n {6}\};/);
  });

  it('a dotted binding bound to a set: inside that set, not a second `networking.interfaces.ens3…`', async () => {
    const r = await editAndProve(fixture('mixed.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.equal(
      changedRegion(r),
      [
        '    ipv4.addresses = [ { address = "203.0.113.30"; prefixLength = 24; } ];',
        '    ipv6.addresses = [',
        '      { address = "2001:db8::10"; prefixLength = 64; }',
        '    ];',
      ].join('\n'),
    );
    assert.equal(r.after.split('networking.interfaces.ens3').length, 2);
  });

  it('through let … in', async () => {
    const path = ['networking', 'interfaces', 'enp1s0', 'ipv6', 'addresses'];
    const r = await editAndProve(fixture('let-in.nix'), (b, f) => b.setNixAttr(f, path, ADDRESS_LIST), path, ADDRESS_JSON);
    assert.match(changedRegion(r), /^ {4}ipv6\.addresses = \[$/m);
  });

  it('a full-form module: under `config = lib.mkIf …`', async () => {
    const r = await editAndProve(fixture('mkif-full-form.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.match(changedRegion(r), /^ {4}networking\.interfaces\.ens3\.ipv6\.addresses = \[$/m);
  });

  it('a full-form module without config yet: a `config.` binding', async () => {
    const text = '{ lib, ... }:\n{\n  options.x = lib.mkOption { };\n}\n';
    const path = ['networking', 'defaultGateway6'];
    const r = await editAndProve(text, (b, f) => b.setNixAttr(f, path, GATEWAY6), path, { address: 'fe80::1', interface: 'ens3' });
    assert.match(r.after, /\n {2}config\.networking\.defaultGateway6 = \{ address = "fe80::1"; interface = "ens3"; \};\n/);
  });

  it('lib.mkMerge: into the element that already covers most of the path', async () => {
    const text = fixture('mkmerge.nix');
    const gw = ['networking', 'defaultGateway6'];
    const r1 = await editAndProve(text, (b, f) => b.setNixAttr(f, gw, GATEWAY6), gw, { address: 'fe80::1', interface: 'ens3' });
    assert.match(changedRegion(r1), /networking\.hostName = "mx6";\n {6}networking\.defaultGateway6 = /);
    const main = ['services', 'postfix', 'settings', 'main', 'inet_protocols'];
    const r2 = await editAndProve(text, (b, f) => b.setNixAttr(f, main, '"ipv4"'), main, 'ipv4');
    assert.match(changedRegion(r2), /^ {8}settings\.main\.inet_protocols = "ipv4";$/m);
  });

  it('with lib; and a set under mkForce: inside the wrapped set', async () => {
    const path = ['networking', 'interfaces', 'eth0', 'ipv6', 'addresses'];
    const r = await editAndProve(fixture('with-lib.nix'), (b, f) => b.setNixAttr(f, path, ADDRESS_LIST), path, ADDRESS_JSON);
    assert.match(changedRegion(r), /^ {4}ipv6\.addresses = \[$/m);
  });

  it('replaces an existing value inside its priority wrapper', async () => {
    const path = ['services', 'postfix', 'settings', 'main', 'inet_protocols'];
    const r = await editAndProve(fixture('with-lib.nix'), (b, f) => b.setNixAttr(f, path, '"ipv4"'), path, 'ipv4');
    assert.match(r.after, /inet_protocols = mkDefault "ipv4";/);
    const r2 = await editAndProve(fixture('with-lib.nix'), (b, f) => b.setNixAttr(f, path, 'lib.concatStringsSep "," [ "ipv4" ]'), path, 'ipv4');
    assert.match(r2.after, /inet_protocols = mkDefault \(lib\.concatStringsSep "," \[ "ipv4" \]\);/);
  });

  it('replaces an existing value exactly', async () => {
    const path = ['networking', 'defaultGateway'];
    const r = await editAndProve(fixture('dotted.nix'), (b, f) => b.setNixAttr(f, path, '"192.0.2.254"'), path, '192.0.2.254');
    assert.equal(r.edits.length, 1);
    assert.equal(r.edits[0].range.start.line, r.edits[0].range.end.line);
    assert.match(r.after, /networking\.defaultGateway = "192\.0\.2\.254";/);
  });

  it('a plain attribute set file', async () => {
    await editAndProve(fixture('plain-attrset.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
  });

  it('tab indentation', async () => {
    const r = await editAndProve(fixture('tabs.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.equal(changedRegion(r), '\t\t\t];\n\t\t\tipv6.addresses = [\n\t\t\t\t{ address = "2001:db8::10"; prefixLength = 64; }\n\t\t\t];');
  });

  it('four-space indentation, multi-line values re-indented', async () => {
    const path = ['services', 'postfix', 'settings', 'main'];
    const value = '{\n  inet_protocols = "ipv4";\n  smtp_address_preference = "ipv4";\n}';
    const r = await editAndProve(fixture('four-space.nix'), (b, f) => b.setNixAttr(f, path, value), path, { inet_protocols: 'ipv4', smtp_address_preference: 'ipv4' });
    assert.equal(
      changedRegion(r),
      [
        '        enable = true;',
        '        settings.main = {',
        '            inet_protocols = "ipv4";',
        '            smtp_address_preference = "ipv4";',
        '        };',
      ].join('\n'),
    );
  });

  it('an empty module `{ }` is opened up', async () => {
    const path = ['networking', 'defaultGateway6'];
    const r = await editAndProve(fixture('empty.nix'), (b, f) => b.setNixAttr(f, path, GATEWAY6), path, { address: 'fe80::1', interface: 'ens3' });
    assert.equal(r.after, '{ config, lib, ... }:\n{\n  networking.defaultGateway6 = { address = "fe80::1"; interface = "ens3"; };\n}\n');
  });

  it('a one-line set stays on one line', async () => {
    const text = '{\n  a = { b = 1; };\n}\n';
    const r = await editAndProve(text, (b, f) => b.setNixAttr(f, ['a', 'c'], '2'), ['a'], { b: 1, c: 2 });
    assert.equal(r.after, '{\n  a = { b = 1; c = 2; };\n}\n');
  });

  it('comments: trailing comments stay with their line, the new binding follows its relative', async () => {
    const r = await editAndProve(fixture('comments.nix'), (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.equal(
      changedRegion(r),
      ['    ]; # end of IPv4', '    ipv6.addresses = [', '      { address = "2001:db8::10"; prefixLength = 64; }', '    ];'].join('\n'),
    );
    assert.match(r.after, /\];\n {4}\/\* no IPv6 yet \*\/\n {2}\};/);
  });

  it('CRLF files keep CRLF', async () => {
    const text = fixture('nested.nix').replace(/\n/g, '\r\n');
    const r = await editAndProve(text, (b, f) => b.setNixAttr(f, IPV6, ADDRESS_LIST), IPV6, ADDRESS_JSON);
    assert.doesNotMatch(r.after, /[^\r]\n/);
  });

  it('quotes attribute names that are not identifiers', async () => {
    const path = ['systemd', 'network', 'networks', '10-wan', 'address'];
    const r = await editAndProve(fixture('dotted.nix'), (b, f) => b.setNixAttr(f, path, '[ "2001:db8::10/64" ]'), path, ['2001:db8::10/64']);
    assert.match(r.after, /systemd\.network\.networks\."10-wan"\.address = \[ "2001:db8::10\/64" \];/);
  });
});

describe('setNixAttr refuses edits that could not be valid', () => {
  const cases: [string, string[]][] = [
    ['an interpolated name at the level a new name would be created', IPV6],
    ['a variable bound to a prefix of the path', ['networking', 'interfaces', 'ens4', 'ipv6', 'addresses']],
    ['a variable bound to services.postfix', ['services', 'postfix', 'settings', 'main', 'inet_protocols']],
  ];
  for (const [what, path] of cases) {
    it(what, async () => {
      const b = await nixEdits();
      assert.equal(b.setNixAttr(sourceFile(fixture('blocked.nix')), path, '[ ]'), undefined);
    });
  }

  it('setting a set that is already defined attribute by attribute', async () => {
    const b = await nixEdits();
    assert.equal(b.setNixAttr(sourceFile(fixture('dotted.nix')), ['networking', 'interfaces'], '{ }'), undefined);
  });

  it('an inherited name', async () => {
    const b = await nixEdits();
    assert.equal(b.setNixAttr(sourceFile('{ networking }:\n{\n  inherit networking;\n}\n'), ['networking', 'hostName'], '"x"'), undefined);
  });

  it('but the rest of such a file stays editable', async () => {
    await editAndProve(fixture('blocked.nix'), (b, f) => b.setNixAttr(f, ['networking', 'hostName'], '"mx13"'), ['networking', 'hostName'], 'mx13');
  });
});
