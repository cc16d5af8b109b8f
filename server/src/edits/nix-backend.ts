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
import { fileMentions } from './nix/nix-document';

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
      // The deepest prefix wins (`networking.interfaces.ens3` beats `networking`), the earliest
      // file on a tie. Each candidate is parsed at most once (its paths are remembered).
      let best: SourceFile | undefined;
      let bestDepth = 0;
      for (const f of candidates) {
        let depth = 0;
        for (let n = path.length; n > bestDepth && !depth; n--) if (fileMentions(parser, f, path.slice(0, n))) depth = n;
        if (depth > bestDepth) [best, bestDepth] = [f, depth];
        if (bestDepth === path.length) break;
      }
      return best ?? files.get(host.entry);
    },
  };
}

let backend: Promise<NixEditBackend> | undefined;

export function nixEdits(): Promise<NixEditBackend> {
  backend ??= createNixParser().then(nixEditBackend);
  return backend;
}
