/**
 * The Nix edit builder: fixes as text edits that merge into a NixOS module's existing
 * structure and indentation. `createNixEditBuilder()` gives an instance with its own
 * parser; the free functions use a shared one loaded by `prepareNixEdits()`.
 */
import type { Parser } from 'web-tree-sitter';
import type { FileEdit } from '../../core/finding';
import type { SourceFile } from '../../core/source';
import { createNixParser } from '../../nix/grammar';
import { appendListEdits } from './append-list';
import { toFileEdits, withNixDoc, type NixDoc, type OffsetEdit } from './nix-document';
import { setPostfixMainEdits } from './postfix-nix-main';
import { setMasterOverrideEdits } from './postfix-nix-master';
import { setAttrEdits } from './set-attr';

export interface NixEditBuilder {
  /** Set `path` to a Nix expression (source text): replace its value, or add a binding where the file's structure has room. */
  setNixAttr(file: SourceFile, path: readonly string[], nixValue: string): FileEdit[] | undefined;
  /** Append Nix expressions (source text) to the list at `path`, creating the binding when absent. */
  appendNixListElements(file: SourceFile, path: readonly string[], elements: readonly string[]): FileEdit[] | undefined;
  /** Set main.cf `name = value` (`value` is main.cf text) in the form the module writes Postfix settings. */
  setPostfixMainNix(file: SourceFile, name: string, value: string): FileEdit[] | undefined;
  /** Add or replace `-o name=value` on master.cf service `service` (`smtp` or `smtp/unix`). */
  setMasterOverrideNix(file: SourceFile, service: string, name: string, value: string): FileEdit[] | undefined;
}

export function nixEditBuilder(parser: Parser): NixEditBuilder {
  /**
   * Edits by file and request. A module many hosts import gets the same request once per host
   * (a fleet's mail role: 95 requests, 3 distinct), and each one walks the file's syntax tree.
   * The edits depend only on the file's text and the request; a changed file is a new object.
   * Each caller gets its own array (of shared, read-only edits).
   */
  const built = new WeakMap<SourceFile, Map<string, readonly FileEdit[] | undefined>>();
  const run = (file: SourceFile, request: readonly unknown[], build: (doc: NixDoc) => OffsetEdit[] | undefined): FileEdit[] | undefined => {
    let byRequest = built.get(file);
    if (!byRequest) built.set(file, (byRequest = new Map()));
    const key = JSON.stringify(request);
    let edits = byRequest.get(key);
    if (edits === undefined && !byRequest.has(key)) {
      edits = withNixDoc(parser, file, (doc) => {
        const offsets = build(doc);
        return offsets && toFileEdits(doc, offsets);
      });
      byRequest.set(key, edits);
    }
    return edits && [...edits];
  };
  return {
    setNixAttr: (file, path, nixValue) => run(file, ['attr', path, nixValue], (doc) => setAttrEdits(doc, path, nixValue)),
    appendNixListElements: (file, path, elements) => run(file, ['append', path, elements], (doc) => appendListEdits(doc, path, elements)),
    setPostfixMainNix: (file, name, value) => run(file, ['main', name, value], (doc) => setPostfixMainEdits(doc, name, value)),
    setMasterOverrideNix: (file, service, name, value) => run(file, ['master', service, name, value], (doc) => setMasterOverrideEdits(doc, service, name, value)),
  };
}

export async function createNixEditBuilder(): Promise<NixEditBuilder> {
  return nixEditBuilder(await createNixParser());
}

let shared: NixEditBuilder | undefined;

/** Loads the parser the free functions below use; await it once before calling them. */
export async function prepareNixEdits(): Promise<NixEditBuilder> {
  shared ??= await createNixEditBuilder();
  return shared;
}

function sharedBuilder(): NixEditBuilder {
  if (!shared) throw new Error('Nix edit builder used before prepareNixEdits() resolved');
  return shared;
}

export function setNixAttr(file: SourceFile, path: readonly string[], nixValue: string): FileEdit[] | undefined {
  return sharedBuilder().setNixAttr(file, path, nixValue);
}

export function appendNixListElements(file: SourceFile, path: readonly string[], elements: readonly string[]): FileEdit[] | undefined {
  return sharedBuilder().appendNixListElements(file, path, elements);
}

export function setPostfixMainNix(file: SourceFile, name: string, value: string): FileEdit[] | undefined {
  return sharedBuilder().setPostfixMainNix(file, name, value);
}

export function setMasterOverrideNix(file: SourceFile, service: string, name: string, value: string): FileEdit[] | undefined {
  return sharedBuilder().setMasterOverrideNix(file, service, name, value);
}

export { quoteNixString, formatAttrPath } from './nix-string-quoting';
