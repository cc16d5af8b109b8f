/**
 * Open editor buffers with incremental sync. Each change is applied to the text and, for Nix,
 * handed to tree-sitter as an edit so the next parse re-uses the unchanged parts of the tree.
 */
import type { Connection, TextDocumentContentChangeEvent } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { classifyFile, type FileKind } from '../core/files';
import type { SourceFile } from '../core/source';
import { reparseIncrementally } from './nix-incremental';
import { uriToPath } from './uri';

export interface OpenDocument {
  readonly uri: string;
  readonly path: string;
  readonly kind: FileKind;
  readonly document: TextDocument;
  /** The engine's view of this buffer; a new object per version so caches can key on it. */
  readonly source: SourceFile;
}

export interface DocumentEvents {
  opened(doc: OpenDocument): void;
  changed(doc: OpenDocument): void;
  closed(uri: string, path: string): void;
  saved(doc: OpenDocument): void;
}

export class OpenDocuments {
  private readonly docs = new Map<string, OpenDocument>();

  constructor(private readonly log: (m: string) => void) {}

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  byPath(path: string): OpenDocument | undefined {
    for (const d of this.docs.values()) if (d.path === path) return d;
    return undefined;
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  listen(connection: Connection, events: DocumentEvents): void {
    connection.onDidOpenTextDocument(({ textDocument: t }) => {
      const path = uriToPath(t.uri);
      const kind = path ? classifyFile(path) : undefined;
      if (!path || !kind) return; // not a file infra-review reads
      const document = TextDocument.create(t.uri, t.languageId, t.version, t.text);
      const doc = this.make(t.uri, path, kind, document);
      this.docs.set(t.uri, doc);
      events.opened(doc);
    });
    connection.onDidChangeTextDocument(({ textDocument: t, contentChanges }) => {
      const prev = this.docs.get(t.uri);
      if (!prev || t.version === null) return;
      const document = TextDocument.update(prev.document, contentChanges, t.version);
      const doc = this.make(t.uri, prev.path, prev.kind, document);
      this.docs.set(t.uri, doc);
      // The debounce timer starts first: the re-parse then runs inside the quiet period
      // instead of delaying the analysis (it is synchronous, so it is done before the timer fires).
      events.changed(doc);
      if (doc.kind === 'nix') this.reparse(prev, doc, contentChanges);
    });
    connection.onDidCloseTextDocument(({ textDocument: t }) => {
      const prev = this.docs.get(t.uri);
      if (!prev) return;
      this.docs.delete(t.uri);
      events.closed(t.uri, prev.path);
    });
    connection.onDidSaveTextDocument(({ textDocument: t }) => {
      const doc = this.docs.get(t.uri);
      if (doc) events.saved(doc);
    });
  }

  private make(uri: string, path: string, kind: FileKind, document: TextDocument): OpenDocument {
    return { uri, path, kind, document, source: { path, kind, text: document.getText(), version: document.version } };
  }

  private reparse(prev: OpenDocument, next: OpenDocument, changes: readonly TextDocumentContentChangeEvent[]): void {
    try {
      reparseIncrementally(prev.source, next.source, changes);
    } catch (e) {
      // The engine parses the file in full anyway; incremental parsing is only a speed-up.
      this.log(`incremental parse of ${next.path} skipped: ${(e as Error).message}`);
    }
  }
}
