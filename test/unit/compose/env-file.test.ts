import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEnvFile } from '../../../server/src/compose/env-file';
import { locatorFor } from '../../../server/src/core/source';
import { textAt } from './helpers';

function parse(text: string) {
  const f = { path: '/w/.env', kind: 'env' as const, text };
  return parseEnvFile(text, locatorFor(f));
}

test('KEY=value, comments, blank lines, export', () => {
  const text = '# comment\n\nA=1\nexport B=two\n  C = spaced  \n';
  const env = parse(text);
  assert.equal(env.entries.get('A')?.value, '1');
  assert.equal(env.entries.get('B')?.value, 'two');
  assert.equal(env.entries.get('C')?.value, 'spaced');
  assert.equal(textAt(text, env.entries.get('B')!.nameAt), 'B');
  assert.equal(textAt(text, env.entries.get('B')!.at), 'two');
  assert.deepEqual(env.badLines, []);
});

test('unquoted values drop a trailing " #" comment but keep # inside', () => {
  const env = parse('A=x # note\nB=x#y\nC=\n');
  assert.equal(env.entries.get('A')?.value, 'x');
  assert.equal(env.entries.get('B')?.value, 'x#y');
  assert.equal(env.entries.get('C')?.value, '');
});

test('quotes: single literal, double with escapes, multi-line', () => {
  const text = `S='a $B # c'\nD="x\\ty \\"q\\""\nM="line1\nline2"\nAFTER=ok\n`;
  const env = parse(text);
  assert.equal(env.entries.get('S')?.value, 'a $B # c');
  assert.equal(env.entries.get('D')?.value, 'x\ty "q"');
  assert.equal(env.entries.get('M')?.value, 'line1\nline2');
  assert.equal(env.entries.get('AFTER')?.value, 'ok');
  assert.equal(textAt(text, env.entries.get('S')!.at), `'a $B # c'`);
});

test('values interpolate earlier variables', () => {
  const env = parse('BASE=2001:db8\nNET=${BASE}::/64\nLIT=\'${BASE}\'\nBAD=${NOPE}\n');
  assert.equal(env.entries.get('NET')?.value, '2001:db8::/64');
  assert.equal(env.entries.get('LIT')?.value, '${BASE}');
  assert.equal(env.entries.get('BAD')?.value, null);
});

test('KEY alone takes its value from the shell: unknown', () => {
  const env = parse('ONLY\n');
  assert.equal(env.entries.get('ONLY')?.value, null);
  assert.match(env.entries.get('ONLY')!.reason!, /shell/);
});

test('garbage lines are reported, the rest still parses', () => {
  const env = parse('A=1\nthis is not an assignment\nB=2\n');
  assert.equal(env.badLines.length, 1);
  assert.equal(env.badLines[0].line, 1);
  assert.equal(env.entries.get('B')?.value, '2');
});

test('CRLF line endings', () => {
  const env = parse('A=1\r\nB="2"\r\n');
  assert.equal(env.entries.get('A')?.value, '1');
  assert.equal(env.entries.get('B')?.value, '2');
});
