import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Finding } from '../../../server/src/core/finding';
import { DiagnosticsPublisher } from '../../../server/src/lsp/diagnostics';
import { pathToUri } from '../../../server/src/lsp/uri';

const finding = (file: string, line: number, message = 'm'): Finding => ({
  rule: 'aaaa-not-on-host',
  severity: 'error',
  message,
  at: { file, range: { start: { line, character: 0 }, end: { line, character: 4 } } },
  related: [],
  fixes: [],
});

const A = '/ws/a.nix';
const B = '/ws/b.nix';
const sent = (p: ReturnType<DiagnosticsPublisher['plan']>) => p.map((x) => `${x.uri.slice(-5)}@${x.version ?? '-'}:${x.diagnostics.length}`).sort();

test('publishes what changed: new findings, new versions, cleared files, forgotten files', () => {
  const pub = new DiagnosticsPublisher();
  const fa = finding(A, 1);
  const fb = finding(B, 2);
  const open = new Map([[pathToUri(A), 1]]);
  assert.deepEqual(sent(pub.plan([fa, fb], open)), ['a.nix@1:1', 'b.nix@-:1']);
  // The same finding objects again: nothing to send.
  assert.deepEqual(sent(pub.plan([fa, fb], open)), []);
  // Equal findings in new objects: still nothing (the content decides, identity only skips work).
  assert.deepEqual(sent(pub.plan([finding(A, 1), finding(B, 2)], open)), []);
  // A new version of the open file is published even with the same findings.
  assert.deepEqual(sent(pub.plan([fa, fb], new Map([[pathToUri(A), 2]]))), ['a.nix@2:1']);
  // Different content for b.nix, same objects for a.nix.
  const fb2 = finding(B, 2, 'changed');
  assert.deepEqual(sent(pub.plan([fa, fb2], new Map([[pathToUri(A), 2]]))), ['b.nix@-:1']);
  // b.nix loses its findings: an empty list clears it, once.
  assert.deepEqual(sent(pub.plan([fa], new Map([[pathToUri(A), 2]]))), ['b.nix@-:0']);
  assert.deepEqual(sent(pub.plan([fa], new Map([[pathToUri(A), 2]]))), []);
  // a.nix is closed: its findings are sent again without a version, even as the same objects.
  pub.forget(pathToUri(A));
  assert.deepEqual(sent(pub.plan([fa], new Map())), ['a.nix@-:1']);
  assert.deepEqual(sent(pub.plan([fa], new Map())), []);
});
