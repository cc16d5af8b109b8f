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
  const run = (file: SourceFile, build: (doc: NixDoc) => OffsetEdit[] | undefined): FileEdit[] | undefined =>
    withNixDoc(parser, file, (doc) => {
      const edits = build(doc);
      return edits && toFileEdits(doc, edits);
    });
  return {
    setNixAttr: (file, path, nixValue) => run(file, (doc) => setAttrEdits(doc, path, nixValue)),
    appendNixListElements: (file, path, elements) => run(file, (doc) => appendListEdits(doc, path, elements)),
    setPostfixMainNix: (file, name, value) => run(file, (doc) => setPostfixMainEdits(doc, name, value)),
    setMasterOverrideNix: (file, service, name, value) => run(file, (doc) => setMasterOverrideEdits(doc, service, name, value)),
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
