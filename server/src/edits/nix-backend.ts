/**
 * Adapter from the EditKit to the Nix edit builder (edits/nix/): owns the parser and
 * chooses which of a host's files receives a new NixOS setting.
 */
import type { Parser } from 'web-tree-sitter';
import type { FileEdit } from '../core/finding';
import type { SourceFile } from '../core/source';
import type { Host } from '../model/types';
import { createNixParser } from '../nix/grammar';
import { nixEditBuilder } from './nix';
import { mentionsPath } from './nix/locate-binding';
import { withNixDoc } from './nix/nix-document';

export interface NixEditBackend {
  setAttr(file: SourceFile, path: readonly string[], nixValue: string): FileEdit[] | undefined;
  appendList(file: SourceFile, path: readonly string[], elements: readonly string[]): FileEdit[] | undefined;
  setPostfixMain(file: SourceFile, name: string, value: string): FileEdit[] | undefined;
  setMasterOverride(file: SourceFile, ref: { service: string; type: string }, name: string, value: string): FileEdit[] | undefined;
  /** The host file to edit for `path`: `target`, else the one configuring the longest prefix of it, else the entry. */
  chooseFile(host: Host, path: readonly string[], files: ReadonlyMap<string, SourceFile>, target?: string): SourceFile | undefined;
}

export function nixEditBackend(parser: Parser): NixEditBackend {
  const builder = nixEditBuilder(parser);
  return {
    setAttr: (file, path, nixValue) => builder.setNixAttr(file, path, nixValue),
    appendList: (file, path, elements) => builder.appendNixListElements(file, path, elements),
    setPostfixMain: (file, name, value) => builder.setPostfixMainNix(file, name, value),
    setMasterOverride: (file, ref, name, value) => builder.setMasterOverrideNix(file, `${ref.service}/${ref.type}`, name, value),
    chooseFile(host, path, files, target) {
      if (target) return files.get(target);
      const candidates = host.files.map((f) => files.get(f)).filter((f): f is SourceFile => !!f && f.kind === 'nix');
      // The deepest prefix first: `networking.interfaces.ens3` beats `networking`.
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
