import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedRegion, editAndProve, fixture, nixEdits } from './fixture';
import { sourceFile } from './nix-oracle';

const V4 = ['networking', 'interfaces', 'ens3', 'ipv4', 'addresses'];

describe('appendNixListElements keeps the list layout', () => {
  it('one element per line: a new line at the same indentation', async () => {
    const r = await editAndProve(
      fixture('nested.nix'),
      (b, f) => b.appendNixListElements(f, V4, ['{\n  address = "198.51.100.21";\n  prefixLength = 24;\n}']),
      V4,
      [
        { address: '198.51.100.20', prefixLength: 24 },
        { address: '198.51.100.21', prefixLength: 24 },
      ],
    );
    assert.equal(
      changedRegion(r),
      ['          }', '          {', '            address = "198.51.100.21";', '            prefixLength = 24;', '          }'].join('\n'),
    );
  });

  it('inline lists stay inline', async () => {
    const path = ['networking', 'firewall', 'allowedTCPPorts'];
    const r = await editAndProve(fixture('mixed.nix'), (b, f) => b.appendNixListElements(f, path, ['465']), path, [25, 587, 465]);
    assert.match(r.after, /allowedTCPPorts = \[ 25 587 465 \];/);
  });

  it('an empty list gets its elements inline', async () => {
    const text = '{\n  networking.nameservers = [ ];\n}\n';
    const path = ['networking', 'nameservers'];
    const r = await editAndProve(text, (b, f) => b.appendNixListElements(f, path, ['"2001:db8::53"', '"192.0.2.53"']), path, ['2001:db8::53', '192.0.2.53']);
    assert.equal(r.after, '{\n  networking.nameservers = [ "2001:db8::53" "192.0.2.53" ];\n}\n');
  });

  it('pairs written side by side on their own lines stay side by side', async () => {
    const text = '{\n  args = [\n    "-o" "smtp_helo_timeout=5"\n  ];\n}\n';
    const r = await editAndProve(text, (b, f) => b.appendNixListElements(f, ['args'], ['"-o"', '"inet_protocols=ipv4"']), ['args'], [
      '-o',
      'smtp_helo_timeout=5',
      '-o',
      'inet_protocols=ipv4',
    ]);
    assert.equal(r.after, '{\n  args = [\n    "-o" "smtp_helo_timeout=5"\n    "-o" "inet_protocols=ipv4"\n  ];\n}\n');
  });

  it('creates the binding when the list does not exist', async () => {
    const path = ['networking', 'nameservers'];
    const r = await editAndProve(fixture('dotted.nix'), (b, f) => b.appendNixListElements(f, path, ['"2001:db8::53"']), path, ['2001:db8::53']);
    assert.match(changedRegion(r), /\n {2}networking\.nameservers = \[ "2001:db8::53" \];$/);
  });

  it('a list held in a variable is concatenated', async () => {
    const text = 'let\n  base = [ "192.0.2.53" ];\nin\n{\n  networking.nameservers = base;\n}\n';
    const path = ['networking', 'nameservers'];
    const r = await editAndProve(text, (b, f) => b.appendNixListElements(f, path, ['"2001:db8::53"']), path, ['192.0.2.53', '2001:db8::53']);
    assert.match(r.after, /networking\.nameservers = base \+\+ \[ "2001:db8::53" \];/);
  });

  it('the last list of a concatenation', async () => {
    const text = 'let\n  base = [ 1 ];\nin\n{\n  xs = base ++ [\n    2\n  ];\n}\n';
    await editAndProve(text, (b, f) => b.appendNixListElements(f, ['xs'], ['3']), ['xs'], [1, 2, 3]);
  });

  it('refuses a value that is not a list it can extend', async () => {
    const b = await nixEdits();
    assert.equal(b.appendNixListElements(sourceFile('{\n  xs = if true then [ ] else [ 1 ];\n}\n'), ['xs'], ['2']), undefined);
  });
});
