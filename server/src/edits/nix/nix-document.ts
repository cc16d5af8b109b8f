/** One parsed Nix file as the edit builder works on it: text, tree, layout, offset edits. */
import type { Node, Parser } from 'web-tree-sitter';
import type { FileEdit } from '../../core/finding';
import { lineIndexOf, type SourceFile } from '../../core/source';
import { detectLayout, type Layout } from './indentation';
import { mentionedPaths, mentionsPath } from './locate-binding';

export interface NixDoc {
  readonly file: SourceFile;
  readonly text: string;
  /** The `source_code` node. */
  readonly root: Node;
  readonly layout: Layout;
  /** The parser, for checking snippets (is a value atomic?). */
  readonly parser: Parser;
  /** Whether some binding defines the option `path` or something inside it. */
  mentions(path: readonly string[]): boolean;
}

/** A replacement of text[start, end) by `text`, in string offsets of the original file. */
export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * What edits ask of a file whatever the fix (its layout, the option paths it defines),
 * worked out once per SourceFile: the kit is rebuilt per analysis from the same file
 * objects, and a changed file is a new object.
 */
interface FileFacts {
  readonly layout: Layout;
  mentioned?: ReadonlySet<string>;
}

const factsByFile = new WeakMap<SourceFile, FileFacts>();

function factsOf(file: SourceFile): FileFacts {
  let facts = factsByFile.get(file);
  if (!facts) factsByFile.set(file, (facts = { layout: detectLayout(file.text) }));
  return facts;
}

/** Parses the file, runs `work` on it and frees the tree (wasm memory is not garbage collected). */
export function withNixDoc<T>(parser: Parser, file: SourceFile, work: (doc: NixDoc) => T): T {
  const tree = parser.parse(file.text);
  if (!tree) throw new Error(`tree-sitter could not parse ${file.path}`);
  const facts = factsOf(file);
  const root = tree.rootNode;
  const mentions = (path: readonly string[]) => mentionsPath((facts.mentioned ??= mentionedPaths(root)), path);
  try {
    return work({ file, text: file.text, root, layout: facts.layout, parser, mentions });
  } finally {
    tree.delete();
  }
}

/** Whether the file defines option `path` or something inside it; parses only when the file's paths are not known yet. */
export function fileMentions(parser: Parser, file: SourceFile, path: readonly string[]): boolean {
  const known = factsByFile.get(file)?.mentioned;
  return known ? mentionsPath(known, path) : withNixDoc(parser, file, (doc) => doc.mentions(path));
}

export function toFileEdits(doc: NixDoc, edits: readonly OffsetEdit[]): FileEdit[] {
  const index = lineIndexOf(doc.file);
  return edits.map((e) => ({ file: doc.file.path, range: index.range(e.start, e.end), newText: e.text }));
}

const ATOMIC = new Set([
  'string_expression',
  'indented_string_expression',
  'list_expression',
  'attrset_expression',
  'rec_attrset_expression',
  'parenthesized_expression',
  'integer_expression',
  'float_expression',
  'path_expression',
  'hpath_expression',
  'spath_expression',
  'uri_expression',
  'variable_expression',
  'select_expression',
]);

/**
 * Whether Nix source text is one operand that can stand as a function argument
 * (`lib.mkForce <it>`) without parentheses.
 */
export function isAtomicNixSource(doc: NixDoc, source: string): boolean {
  const tree = doc.parser.parse(source);
  if (!tree) return false;
  try {
    const expr = tree.rootNode.childForFieldName('expression');
    return !tree.rootNode.hasError && expr !== null && ATOMIC.has(expr.type);
  } finally {
    tree.delete();
  }
}
