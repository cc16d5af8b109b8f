/**
 * The EditKit over the workspace's files: dispatches each request to the builder of the
 * format the setting is written in (main.cf/master.cf text, NixOS attributes, compose YAML).
 */
import type { FileEdit } from '../core/finding';
import { composeEditLayout } from '../compose';
import { lineIndexOf, locatorFor, type SourceFile } from '../core/source';
import type { LineIndex, Range } from '../core/text';
import type { ComposeProject, Host, PostfixInstance } from '../model/types';
import { setComposeValue } from './compose';
import type { EditKit } from './kit';
import { setMainCfParameter, setMasterCfOverride } from './postfix';
import { nixEdits, type NixEditBackend } from './nix-backend';

function serviceRef(service: string): { service: string; type: string } {
  const slash = service.indexOf('/');
  return slash < 0 ? { service, type: 'unix' } : { service: service.slice(0, slash), type: service.slice(slash + 1) };
}

/**
 * `range` widened to its whole lines, line breaks included, when only whitespace shares
 * those lines with it; else `range` itself. At the end of the text the break before goes.
 */
export function wholeLinesOf(lines: LineIndex, range: Range): Range {
  const { start, end } = range;
  const text = lines.text;
  const before = text.slice(lines.lineStart(start.line), lines.offset(start));
  const after = text.slice(lines.offset(end), lines.lineEnd(end.line));
  if (before.trim() || after.trim()) return range;
  if (end.line + 1 < lines.lineCount) return { start: { line: start.line, character: 0 }, end: { line: end.line + 1, character: 0 } };
  if (start.line === 0) return { start: { line: 0, character: 0 }, end: { line: end.line, character: after.length + end.character } };
  const previous = start.line - 1;
  return { start: { line: previous, character: lines.lineEnd(previous) - lines.lineStart(previous) }, end: { line: end.line, character: end.character + after.length } };
}

export function createEditKitWith(files: ReadonlyMap<string, SourceFile>, nix: NixEditBackend): EditKit {
  const file = (path: string | undefined) => (path ? files.get(path) : undefined);
  const postfixText = (f: SourceFile) => ({ text: f.text, locate: locatorFor(f) });

  return {
    replace: (at, newText): FileEdit => ({ file: at.file, range: at.range, newText }),

    remove(at): FileEdit {
      const f = file(at.file);
      return { file: at.file, range: f ? wholeLinesOf(lineIndexOf(f), at.range) : at.range, newText: '' };
    },

    setPostfixMain(instance: PostfixInstance, name: string, value: string) {
      if (instance.origin.kind === 'nixos') {
        const f = file(instance.origin.file);
        return f && nix.setPostfixMain(f, name, value);
      }
      const f = file(instance.origin.mainCf);
      return f && setMainCfParameter(postfixText(f), name, value);
    },

    setMasterOverride(instance: PostfixInstance, service: string, name: string, value: string) {
      const ref = serviceRef(service);
      if (instance.origin.kind === 'nixos') {
        const f = file(instance.origin.file);
        return f && nix.setMasterOverride(f, ref, name, value);
      }
      const f = file(instance.origin.masterCf);
      return f && setMasterCfOverride(postfixText(f), ref, name, value);
    },

    setNixOption(host: Host, path: readonly string[], nixValue: string, target?: string) {
      const f = nix.chooseFile(host, path, files, target);
      return f && nix.setAttr(f, path, nixValue);
    },

    appendNixList(host: Host, path: readonly string[], elements: readonly string[], target?: string) {
      const f = nix.chooseFile(host, path, files, target);
      return f && nix.appendList(f, path, elements);
    },

    setComposeValue(project: ComposeProject, path: readonly (string | number)[], value: unknown) {
      const f = file(project.file);
      // The layout the compose analysis recorded of this text spares parsing it again.
      return f && setComposeValue({ path: f.path, text: f.text, layout: composeEditLayout(f), lines: lineIndexOf(f) }, path, value);
    },
  };
}

/** The kit the engine uses: Nix edits need the grammar loaded first, hence async. */
export async function createEditKit(files: ReadonlyMap<string, SourceFile>): Promise<EditKit> {
  return createEditKitWith(files, await nixEdits());
}
