/** Setting a main.cf parameter in a NixOS module, in the form the module already uses. */
import type { Node } from 'web-tree-sitter';
import { valueInsidePriority } from './expression-shapes';
import { locateOption } from './locate-binding';
import type { NixDoc, OffsetEdit } from './nix-document';
import { quoteNixString } from './nix-string-quoting';
import { addLineEdit, entryAt, replaceEntryEdit, startsEntry, stringLinesOf, type StringLines } from './nix-string-lines';
import { postfixPath, postfixTextOption, structuredPostfixPath } from './postfix-nix-forms';
import { replaceValueEdit, setAttrEdits } from './set-attr';

/** Legacy NixOS options that write one main.cf parameter, and whether they take a list. */
const LEGACY_ALIASES: Readonly<Record<string, { readonly option: string; readonly list: boolean }>> = {
  myhostname: { option: 'hostname', list: false },
  mydomain: { option: 'domain', list: false },
  myorigin: { option: 'origin', list: false },
  recipient_delimiter: { option: 'recipientDelimiter', list: false },
  mydestination: { option: 'destination', list: true },
  mynetworks: { option: 'networks', list: true },
  relay_domains: { option: 'relayDomains', list: true },
};

/** Parameters current nixpkgs types as lists or integers in `settings.main` (a string there fails the type check). */
const LIST_TYPED = new Set(['mynetworks', 'relayhost', 'relay_domains', 'smtpd_tls_chain_files']);
const INT_TYPED = new Set(['message_size_limit']);

/** main.cf list items: separated by commas and/or white space. */
export function mainCfItems(value: string): string[] {
  return value.split(/[\s,]+/).filter((item) => item !== '');
}

function nixList(items: readonly string[]): string {
  return items.length ? `[ ${items.map(quoteNixString).join(' ')} ]` : '[ ]';
}

/** The Nix value for a main.cf value, shaped like the value it replaces or as nixpkgs types it. */
function nixValueFor(name: string, value: string, existing: Node | null, settingsMain: boolean): string {
  if (existing?.type === 'list_expression' || (settingsMain && LIST_TYPED.has(name))) return nixList(mainCfItems(value));
  if (settingsMain && INT_TYPED.has(name) && /^\d+$/.test(value)) return value;
  return quoteNixString(value);
}

function existingValue(doc: NixDoc, path: readonly string[]): Node | null {
  const location = locateOption(doc.root, path);
  if (location.kind !== 'exact') return null;
  const expr = location.binding.childForFieldName('expression');
  return expr && valueInsidePriority(expr);
}

/** The last entry `name = …` in main.cf text (the one Postfix uses). */
function lastMainCfEntry(lines: StringLines, name: string) {
  const pattern = new RegExp(`^${name.replace(/[^\w]/g, '\\$&')}\\s*=`);
  let found: number | undefined;
  lines.lines.forEach((line, i) => {
    if (startsEntry(lines, line) && pattern.test(line.text.trimStart())) found = i;
  });
  return found === undefined ? undefined : entryAt(lines, found);
}

/**
 * Edits that set main.cf `name = value` in a NixOS module: where the file already sets the
 * parameter (a legacy alias option such as `hostname`, a line of `extraConfig`, a key of
 * `settings.main`/`config`), else in `settings.main` or legacy `config` (see
 * postfix-nix-forms.ts), else as a line of a literal `extraConfig` when that is all the file
 * uses. Undefined when the file writes main.cf text the builder cannot see into.
 */
export function setPostfixMainEdits(doc: NixDoc, name: string, value: string): OffsetEdit[] | undefined {
  const alias = LEGACY_ALIASES[name];
  if (alias) {
    const location = locateOption(doc.root, postfixPath(alias.option));
    if (location.kind === 'exact') {
      const edit = replaceValueEdit(doc, location.binding, alias.list ? nixList(mainCfItems(value)) : quoteNixString(value));
      return edit && [edit];
    }
  }

  const extra = postfixTextOption(doc, 'extraConfig');
  const extraLines = extra.kind === 'literal' ? stringLinesOf(doc, extra.string) : undefined;
  // extraConfig is appended after the structured settings, so a line there wins.
  const line = `${name} = ${value}`;
  const entry = extraLines && lastMainCfEntry(extraLines, name);
  if (extraLines && entry) {
    const edit = replaceEntryEdit(extraLines, entry, line);
    return edit && [edit];
  }

  const structured = structuredPostfixPath(doc, 'main');
  const settingsMain = structured[structured.length - 1] === 'main';
  const usesStructured = doc.mentions(structured);
  if (extraLines && !usesStructured) return [addLineEdit(doc, extraLines, line)];
  if (extra.kind === 'opaque' && !usesStructured) return undefined;

  const path = [...structured, name];
  return setAttrEdits(doc, path, nixValueFor(name, value, existingValue(doc, path), settingsMain));
}
