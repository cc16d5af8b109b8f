import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate, type Env, type EnvValue } from '../../../server/src/compose/interpolate';

const loc = { file: '/w/.env', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
function env(vars: Record<string, string | null>): Env {
  return new Map(Object.entries(vars).map(([name, value]): [string, EnvValue] => [name, { name, value, at: loc }]));
}
const E = env({ SET: 'v', EMPTY: '', ADDR: '2001:db8::1', UNKNOWABLE: null });
const value = (s: string) => interpolate(s, E).value;

test('plain text is literal', () => {
  const r = interpolate('mail.example', E);
  assert.equal(r.value, 'mail.example');
  assert.equal(r.interpolated, false);
});

test('$VAR and ${VAR} read .env', () => {
  assert.equal(value('$SET'), 'v');
  assert.equal(value('${SET}'), 'v');
  assert.equal(value('x$SET.y'), 'xv.y');
  assert.equal(value('$ADDR:25:25'), '2001:db8::1:25:25');
  assert.deepEqual(interpolate('$SET', E).used.map((u) => u.name), ['SET']);
});

test('a variable without value and without default is unknown, never empty', () => {
  const r = interpolate('${NOPE}', E);
  assert.equal(r.value, null);
  assert.match(r.reason!, /NOPE is not set/);
  assert.equal(value('$NOPE'), null);
  assert.equal(value('${UNKNOWABLE}'), null);
  assert.equal(value('${UNKNOWABLE:-d}'), null, 'a value that exists but is unknown wins over the default');
});

test('defaults: ${VAR:-d} on unset or empty, ${VAR-d} only on unset', () => {
  assert.equal(value('${NOPE:-d}'), 'd');
  assert.equal(value('${EMPTY:-d}'), 'd');
  assert.equal(value('${SET:-d}'), 'v');
  assert.equal(value('${NOPE-d}'), 'd');
  assert.equal(value('${EMPTY-d}'), '');
  assert.equal(value('${NOPE:-127.0.0.1:13306}:3306'), '127.0.0.1:13306:3306');
  assert.equal(value('${NOPE:-}'), '');
  assert.equal(value('${NOPE:-${SET}}'), 'v', 'nested default');
  assert.equal(value('${NOPE:-${ALSO_NOPE}}'), null);
});

test('required: ${VAR:?err} and ${VAR?err}', () => {
  assert.equal(value('${SET:?need it}'), 'v');
  const r = interpolate('${NOPE:?need it}', E);
  assert.equal(r.value, null);
  assert.match(r.reason!, /need it/);
  assert.equal(value('${EMPTY:?x}'), null);
  assert.equal(value('${EMPTY?x}'), '');
  assert.equal(value('${NOPE?x}'), null);
});

test('alternatives: ${VAR:+alt} and ${VAR+alt}', () => {
  assert.equal(value('${SET:+alt}'), 'alt');
  assert.equal(value('${EMPTY:+alt}'), '');
  assert.equal(value('${EMPTY+alt}'), 'alt');
  assert.equal(value('${NOPE+alt}'), '');
});

test('$$ escapes a dollar; a lone $ stays', () => {
  assert.equal(value('$$6$$salt'), '$6$salt');
  assert.equal(value('[[ $${MASTER} == y ]]'), '[[ ${MASTER} == y ]]');
  assert.equal(value('cost $ 5'), 'cost $ 5');
  assert.equal(interpolate('$$x', E).interpolated, true);
});

test('unknown parts become holes so structured values can still be split', () => {
  const r = interpolate('${NOPE}:25:25', E);
  assert.equal(r.value, null);
  assert.equal(r.holes.length, 1);
  assert.equal(r.holes[0], '${NOPE}');
  assert.equal(r.template.split(':').length, 3);
});

test('malformed interpolation is unknown', () => {
  assert.equal(value('${SET'), null);
  assert.equal(value('${1BAD}'), null);
  assert.equal(value('${SET!x}'), null);
});
