/** Template placeholders (postfix/template.ts): every kind is found, and text without one costs no scan. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTemplateOnlyLine, templateSpans } from '../../../server/src/postfix/template';

const spansOf = (text: string) => templateSpans(text).map((s) => text.slice(s.start, s.end));

test('each kind of placeholder is found, overlapping ones merged', () => {
  assert.deepEqual(spansOf('myhostname = {{ HOSTNAME }}'), ['{{ HOSTNAME }}']);
  assert.deepEqual(spansOf('{% if X %}a{% endif %} {# note #}'), ['{% if X %}', '{% endif %}', '{# note #}']);
  assert.deepEqual(spansOf('relayhost = PH_RELAY_HOST, x_PH_NOT'), ['PH_RELAY_HOST']);
  assert.deepEqual(spansOf('mynetworks = ${SUBNET:-10.0.0.0/8} ${lower}'), ['${SUBNET:-10.0.0.0/8}']);
  assert.deepEqual(spansOf('a = {{ "${X}" }}'), ['{{ "${X}" }}']);
});

test('text without a placeholder has none, Postfix syntax included', () => {
  for (const text of ['', 'myorigin = $myhostname', 'a = ${b} $(c) {x} { -o y=z }', 'smtpd_tls_CAfile = /etc/ssl/PH.pem', '{ {% }']) {
    assert.deepEqual(templateSpans(text), [], text);
  }
});

test('template-only lines hold template markup alone; anything else on the line is text', () => {
  for (const line of ['{% if SUBNET6 %}', ' {%- endif -%} ', '{# a note #}', '{% if A %}{# b #}', '{{ X }}']) assert.equal(isTemplateOnlyLine(line), true, line);
  for (const line of ['', '   ', '\u00a0', 'mynetworks = 127.0.0.0/8', '{% if A %} x', 'smtp unix - - n - - smtp { -o a=b }']) {
    assert.equal(isTemplateOnlyLine(line), false, line);
  }
});
