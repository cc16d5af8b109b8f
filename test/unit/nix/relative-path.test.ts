// nix/relative-path joins a path literal to its file's directory as posix.join does, from a
// normalisation of the literal kept per text. These tests compare it with posix.join.
import assert from 'node:assert/strict';
import { posix } from 'node:path';
import { test } from 'node:test';
import { isNormalAbsolute, joinRelative } from '../../../server/src/nix/relative-path';
import { seededInts } from '../../support/seeded';

const DIRS = ['/', '/a', '/srv/fleet', '/srv/fleet/hosts/h0007', '/x/.hidden/y', '/a/b/c/d/e'];
const SEGMENTS = ['.', '..', '', 'modules', 'common.nix', '...', '.hidden', 'a-b_c+d', 'default.nix'];

function generated(count: number): string[] {
  const next = seededInts(1297);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts = Array.from({ length: 1 + next(6) }, () => SEGMENTS[next(SEGMENTS.length)]);
    let text = parts.join('/');
    if (next(4) === 0) text = `./${text}`;
    if (next(4) === 0) text = `../../${text}`;
    if (next(6) === 0) text += '/';
    out.push(text);
  }
  return out;
}

test('joinRelative gives what posix.join gives', () => {
  const fixed = ['./network.nix', '../../modules/common.nix', '../../../../../../x', '.', './', '..', '../', '../..', 'a/../..', 'a/..', 'a//b', 'a/./b/', '...', './.hidden/x.nix'];
  for (const dir of DIRS) {
    assert.ok(isNormalAbsolute(dir), dir);
    // Twice: the second time from the kept normalisation.
    for (const text of [...fixed, ...generated(3_000), ...fixed]) assert.equal(joinRelative(dir, text), posix.join(dir, text), `${dir} + ${text}`);
  }
});

test('only absolute, normalised directories qualify', () => {
  for (const dir of ['a', 'a/b', '/a/', '/a//b', '/a/./b', '/a/../b', '']) assert.equal(isNormalAbsolute(dir), false, dir);
});
