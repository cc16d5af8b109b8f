import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { OpenDocument, OpenDocuments } from '../../../server/src/lsp/documents';
import { WorkspaceFiles } from '../../../server/src/lsp/workspace-files';
import { toSlash } from '../../../server/src/engine/collect';

test('the workspace snapshot follows disk events, open buffers and settings, and is reused while nothing changed', () => {
  const root = toSlash(mkdtempSync(join(tmpdir(), 'ir-ws-')));
  try {
    writeFileSync(join(root, 'a.nix'), '{ }\n');
    writeFileSync(join(root, 'main.cf'), 'myhostname = a.example\n');
    let open: OpenDocument[] = [];
    const docs = { all: () => open } as unknown as OpenDocuments;
    const ws = new WorkspaceFiles([root], docs, () => undefined);
    ws.scan();
    const view = () => ws.snapshot().map((f) => `${f.path.slice(root.length + 1)}:${f.kind}:${f.text.length}`);
    assert.deepEqual(view(), ['a.nix:nix:4', 'main.cf:postfix-main:23']);
    const first = ws.snapshot();
    assert.ok(first.every((f, i) => f === ws.snapshot()[i]), 'unchanged: the same file objects');

    // An open buffer replaces the disk file; each edit is a new source object.
    const edit = (text: string, version: number): OpenDocument => {
      const path = `${root}/a.nix`;
      const document = TextDocument.create(`file://${path}`, 'nix', version, text);
      return { uri: document.uri, path, kind: 'nix', document, source: { path, kind: 'nix', text, version } };
    };
    open = [edit('{ a = 1; }\n', 1)];
    assert.deepEqual(view(), ['a.nix:nix:11', 'main.cf:postfix-main:23']);
    open = [edit('{ a = 12; }\n', 2)];
    assert.deepEqual(view(), ['a.nix:nix:12', 'main.cf:postfix-main:23']);

    // A disk change arrives as a watched-file event.
    writeFileSync(join(root, 'main.cf'), 'myhostname = b.example\nmydomain = example\n');
    assert.equal(ws.refresh(`${root}/main.cf`), true);
    assert.deepEqual(view(), ['a.nix:nix:12', 'main.cf:postfix-main:42']);

    // A zone file named in settings, then a size limit below the open buffer.
    writeFileSync(join(root, 'example.db'), '$ORIGIN example.\n@ 3600 IN A 192.0.2.1\n');
    ws.setExtraZones(['example.db']);
    assert.ok(view().includes('example.db:zone:39'), view().join(' '));
    ws.setMaxFileBytes(11);
    ws.scan();
    assert.deepEqual(view().filter((v) => v.startsWith('a.nix')), [], 'the open buffer is over the limit');
    open = [];
    assert.deepEqual(view().filter((v) => v.startsWith('a.nix')), ['a.nix:nix:4'], 'closed: the disk file again');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
