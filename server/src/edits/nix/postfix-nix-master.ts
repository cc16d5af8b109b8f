/** Adding `-o name=value` to a master.cf service in a NixOS module. */
import type { Node } from 'web-tree-sitter';
import { attrKey, namedChildrenNoComments } from '../../nix/syntax';
import { valueInsidePriority } from './expression-shapes';
import { appendListEdits } from './append-list';
import { locateOption } from './locate-binding';
import type { NixDoc, OffsetEdit } from './nix-document';
import { quoteNixString } from './nix-string-quoting';
import { addLineEdit, cutsInterpolation, entryAt, escapeForString, startsEntry, stringLinesOf, type StringLine, type StringLines } from './nix-string-lines';
import { postfixTextOption, structuredPostfixPath } from './postfix-nix-forms';

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function tokensOf(lines: readonly StringLine[]): Token[] {
  const tokens: Token[] = [];
  for (const line of lines) {
    for (const m of line.text.matchAll(/\S+/g)) tokens.push({ text: m[0], start: line.start + m.index!, end: line.start + m.index! + m[0].length });
  }
  return tokens;
}

/** `smtp` or `smtp/unix` (postconf's service/type notation). */
function parseService(service: string): { name: string; type?: string } {
  const [name, type] = service.split('/');
  return { name, type };
}

/**
 * The master.cf entry of a service in text: the one of the given type, else the `unix` one
 * (`-o` overrides usually target the client side, e.g. `smtp unix … smtp`), else the first.
 */
function serviceEntry(lines: StringLines, service: { name: string; type?: string }): StringLine[] | undefined {
  const entries: { entry: StringLine[]; type: string }[] = [];
  lines.lines.forEach((line, i) => {
    if (!startsEntry(lines, line)) return;
    const [name, type] = line.text.trim().split(/\s+/);
    if (name === service.name && (!service.type || type === service.type)) entries.push({ entry: entryAt(lines, i), type });
  });
  return (entries.find((e) => e.type === 'unix') ?? entries[0])?.entry;
}

function textOverrideEdit(doc: NixDoc, lines: StringLines, entry: StringLine[], name: string, value: string): OffsetEdit | undefined {
  const tokens = tokensOf(entry);
  const override = `${name}=${value}`;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const next = tokens[i + 1];
    if (tokens[i].text === '-o' && next.text.startsWith(`${name}=`)) {
      if (cutsInterpolation(lines, next.start, next.end)) return undefined;
      return { start: next.start, end: next.end, text: escapeForString(lines, override) };
    }
  }
  const last = entry[entry.length - 1];
  const continuation = entry.length > 1 ? entry[1].indent.slice(lines.entryIndent.length) : '  ';
  return addLineEdit(doc, lines, `-o ${override}`, last, continuation);
}

/** The element after a `"-o"` element whose text starts with `name=`, in an args list literal. */
function existingOverride(list: Node, name: string): Node | undefined {
  const items = namedChildrenNoComments(list);
  for (let i = 0; i + 1 < items.length; i++) {
    const next = items[i + 1];
    if (items[i].type === 'string_expression' && attrKey(items[i]) === '-o' && next.type === 'string_expression' && attrKey(next)?.startsWith(`${name}=`)) return next;
  }
  return undefined;
}

/**
 * Edits that make master.cf service `service` (`smtp` or `smtp/unix`) run with
 * `-o name=value`: in the `extraMasterConf` text when the service entry is written there,
 * else in `settings.master.<service>.args` (or legacy `masterConfig`), appending
 * `"-o" "name=value"` or replacing the value of an existing `-o name=…`. The NixOS module
 * defines the standard services itself (`smtp = { }` is the SMTP client), so giving just
 * `args` is enough: the definitions merge.
 */
export function setMasterOverrideEdits(doc: NixDoc, service: string, name: string, value: string): OffsetEdit[] | undefined {
  const svc = parseService(service);
  const text = postfixTextOption(doc, 'extraMasterConf');
  if (text.kind === 'literal') {
    const lines = stringLinesOf(doc, text.string);
    const entry = serviceEntry(lines, svc);
    if (entry) {
      const edit = textOverrideEdit(doc, lines, entry, name, value);
      return edit && [edit];
    }
  }

  const argsPath = [...structuredPostfixPath(doc, 'master'), svc.name, 'args'];
  const override = quoteNixString(`${name}=${value}`);
  const location = locateOption(doc.root, argsPath);
  if (location.kind === 'exact') {
    const expr = location.binding.childForFieldName('expression');
    const list = expr && valueInsidePriority(expr);
    const previous = list?.type === 'list_expression' ? existingOverride(list, name) : undefined;
    if (previous) return [{ start: previous.startIndex, end: previous.endIndex, text: override }];
  }
  return appendListEdits(doc, argsPath, ['"-o"', override]);
}
