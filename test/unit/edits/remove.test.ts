/** EditKit.remove: a removed binding or entry takes its lines along only when it is alone on them. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../../../server/src/core/text';
import { wholeLinesOf } from '../../../server/src/edits/kit-impl';

/** Removes the substring `cut` (first occurrence) from `text` as EditKit.remove would. */
function removeFrom(text: string, cut: string): string {
  const lines = new LineIndex(text);
  const from = text.indexOf(cut);
  assert.ok(from >= 0, cut);
  const r = wholeLinesOf(lines, lines.range(from, from + cut.length));
  return text.slice(0, lines.offset(r.start)) + text.slice(lines.offset(r.end));
}

test('alone on its lines: the lines and their breaks go', () => {
  assert.equal(removeFrom('{\n  a = 1;\n  b = 2;\n}\n', 'a = 1;'), '{\n  b = 2;\n}\n');
  assert.equal(removeFrom('{\n  a = [\n    1\n  ];\n  b = 2;\n}\n', 'a = [\n    1\n  ];'), '{\n  b = 2;\n}\n');
  assert.equal(removeFrom('x\r\n  a = 1;  \r\ny\r\n', 'a = 1;'), 'x\r\ny\r\n');
  assert.equal(removeFrom('smtp inet n - n - - smtpd\n[::1]:25 inet n - n - - smtpd\n  -o a=b\n', '[::1]:25 inet n - n - - smtpd\n  -o a=b'), 'smtp inet n - n - - smtpd\n');
});

test('at the end of a text without a final break, the break before goes', () => {
  assert.equal(removeFrom('a = 1;\nb = 2;', 'b = 2;'), 'a = 1;');
  assert.equal(removeFrom('  a = 1;', 'a = 1;'), '');
});

test('sharing a line with other text: only the text itself goes', () => {
  assert.equal(removeFrom('{ a = 1; b = 2; }\n', 'a = 1;'), '{  b = 2; }\n');
  assert.equal(removeFrom('  a = 1; # keep this comment\n', 'a = 1;'), '   # keep this comment\n');
  assert.equal(removeFrom('x = {\n  a = 1; };\n', 'a = 1;'), 'x = {\n   };\n');
});
