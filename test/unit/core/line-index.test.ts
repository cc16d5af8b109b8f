/** LineIndex: \n, \r\n and lone \r all end lines, whichever way the index is built. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex } from '../../../server/src/core/text';

/** Line starts by the definition: after each \n, each \r\n, each \r not followed by \n. */
function expectedStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

test('line starts and positions for every kind of line ending', () => {
  const texts = ['', 'a', '\n', 'a\nb\n', 'a\r\nb\r\n', 'a\rb', '\r\n\r\n', 'a\n\rb\r\r\nc', 'x'.repeat(50) + '\n'.repeat(3) + 'y'];
  for (const text of texts) {
    const index = new LineIndex(text);
    const starts = expectedStarts(text);
    assert.equal(index.lineCount, starts.length, JSON.stringify(text));
    for (let line = 0; line < starts.length; line++) assert.deepEqual(index.position(starts[line]), { line, character: 0 }, JSON.stringify(text));
    assert.deepEqual(index.position(text.length), { line: starts.length - 1, character: text.length - starts[starts.length - 1] });
  }
});
