/** The edit kit's file reads, charged to the unit whose fix asked for them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourceFile } from '../../../server/src/core/source';
import type { EditKit } from '../../../server/src/edits/kit';
import { createEditKitWith } from '../../../server/src/edits/kit-impl';
import type { NixEditBackend } from '../../../server/src/edits/nix-backend';
import { ChargedFiles, chargedKit, UnitReads } from '../../../server/src/engine/file-reads';

const file = (path: string, text: string): SourceFile => ({ path, kind: 'nix', text });
const at = (path: string) => ({ file: path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } });

function snapshot(...files: SourceFile[]): Map<string, SourceFile> {
  return new Map(files.map((f) => [f.path, f]));
}

test('each unit is charged with the files read during its own kit calls, in any interleaving', () => {
  const files = snapshot(file('/w/a.nix', 'a\n'), file('/w/b.nix', 'b\n'));
  const charged = new ChargedFiles(files);
  const kit = createEditKitWith(charged, {} as NixEditBackend);
  const one = new UnitReads();
  const two = new UnitReads();
  const kitOne = chargedKit(kit, charged, one);
  const kitTwo = chargedKit(kit, charged, two);
  kitOne.remove(at('/w/a.nix'));
  kitTwo.remove(at('/w/b.nix'));
  kitOne.remove(at('/w/missing.nix'));
  kitTwo.replace(at('/w/a.nix'), 'x');
  assert.deepEqual([...one.files.keys()], ['/w/a.nix', '/w/missing.nix']);
  assert.deepEqual([...two.files.keys()], ['/w/b.nix']);
  assert.equal(charged.strayReads, false);
  charged.get('/w/a.nix');
  assert.equal(charged.strayReads, true, 'a read outside any unit call');
});

test('a unit reads the same while its files have the same kind and text, or stay absent', () => {
  const a = file('/w/a.nix', 'a\n');
  const charged = new ChargedFiles(snapshot(a));
  const reads = new UnitReads();
  charged.during(reads, () => [charged.get('/w/a.nix'), charged.has('/w/new.nix')]);
  assert.equal(reads.sameIn(snapshot(a)), true);
  assert.equal(reads.sameIn(snapshot({ ...a, version: 7 })), true, 'another object, same text');
  assert.equal(reads.sameIn(snapshot(file('/w/a.nix', 'a \n'))), false);
  assert.equal(reads.sameIn(snapshot({ ...a, kind: 'postfix-main' })), false);
  assert.equal(reads.sameIn(snapshot()), false, 'deleted');
  assert.equal(reads.sameIn(snapshot(a, file('/w/new.nix', ''))), false, 'created');
  assert.equal(reads.sameIn(snapshot(a, file('/w/other.nix', ''))), true, 'a file it never asked for');
});

test('a kit that walks the whole map makes the unit depend on every file', () => {
  const charged = new ChargedFiles(snapshot(file('/w/a.nix', 'a\n')));
  const reads = new UnitReads();
  charged.during(reads, () => [...charged.values()]);
  assert.equal(reads.sameIn(snapshot(file('/w/a.nix', 'a\n'))), false);
});

test('chargedKit forwards every method of the kit', () => {
  const calls: string[] = [];
  const kit = new Proxy({} as EditKit, { get: (_, name) => (...args: unknown[]) => (calls.push(`${String(name)}/${args.length}`), undefined) });
  const wrapped = chargedKit(kit, new ChargedFiles(new Map()), new UnitReads());
  for (const method of Object.values(wrapped)) (method as (...a: unknown[]) => unknown)(...Array.from({ length: method.length }, () => undefined));
  assert.deepEqual(calls.sort(), ['appendNixList/4', 'remove/1', 'replace/2', 'setComposeValue/3', 'setMasterOverride/4', 'setNixOption/4', 'setPostfixMain/3']);
});
