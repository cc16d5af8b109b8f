/**
 * Adapter from the EditKit to the Nix edit builder (edits/nix/): owns the parser and
 * chooses which of a host's files receives a new NixOS setting.
 */
import type { Parser } from 'web-tree-sitter';
import type { FileEdit } from '../core/finding';
import type { SourceFile } from '../core/source';
import type { Host } from '../model/types';
import { createNixParser } from '../nix/grammar';
import { appendListEdits } from './nix/append-list';
import { mentionsPath } from './nix/locate-binding';
import { toFileEdits, withNixDoc } from './nix/nix-document';
import { setPostfixMainEdits } from './nix/postfix-nix-main';
import { setAttrEdits } from './nix/set-attr';

export interface NixEditBackend {
  setAttr(file: SourceFile, path: readonly string[], nixValue: string): FileEdit[] | undefined;
  appendList(file: SourceFile, path: readonly string[], elements: readonly string[]): FileEdit[] | undefined;
  setPostfixMain(file: SourceFile, name: string, value: string): FileEdit[] | undefined;
  setMasterOverride(file: SourceFile, ref: { service: string; type: string }, name: string, value: string): FileEdit[] | undefined;
  /** The host file to edit for `path`: `target`, else the one configuring the longest prefix of it, else the entry. */
  chooseFile(host: Host, path: readonly string[], files: ReadonlyMap<string, SourceFile>, target?: string): SourceFile | undefined;
}

export function nixEditBackend(parser: Parser): NixEditBackend {
  const run = (file: SourceFile, build: Parameters<typeof withNixDoc<FileEdit[] | undefined>>[2]) => withNixDoc(parser, file, build);
  return {
    setAttr: (file, path, nixValue) =>
      run(file, (doc) => {
        const edits = setAttrEdits(doc, path, nixValue);
        return edits && toFileEdits(doc, edits);
      }),
    appendList: (file, path, elements) =>
      run(file, (doc) => {
        const edits = appendListEdits(doc, path, elements);
        return edits && toFileEdits(doc, edits);
      }),
    setPostfixMain: (file, name, value) =>
      run(file, (doc) => {
        const edits = setPostfixMainEdits(doc, name, value);
        return edits && toFileEdits(doc, edits);
      }),
    setMasterOverride: () => undefined,
    chooseFile(host, path, files, target) {
      if (target) return files.get(target);
      const candidates = host.files.map((f) => files.get(f)).filter((f): f is SourceFile => !!f && f.kind === 'nix');
      for (let n = path.length; n > 0; n--) {
        const prefix = path.slice(0, n);
        const hit = candidates.find((f) => withNixDoc(parser, f, (doc) => mentionsPath(doc.root, prefix)));
        if (hit) return hit;
      }
      return files.get(host.entry);
    },
  };
}

let backend: Promise<NixEditBackend> | undefined;

export function nixEdits(): Promise<NixEditBackend> {
  backend ??= createNixParser().then(nixEditBackend);
  return backend;
}
