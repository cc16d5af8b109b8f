/** One parsed Nix file as the edit builder works on it: text, tree, layout, offset edits. */
import type { Node, Parser, Tree } from 'web-tree-sitter';
import type { FileEdit } from '../../core/finding';
import { lineIndexOf, type SourceFile } from '../../core/source';
import { detectLayout, type Layout } from './indentation';
import { mentionedPaths, mentionsPath } from './locate-binding';
import { analysedTreeOf } from '../../nix/parse';
import { rememberSource } from '../../nix/syntax';

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

/**
 * The tree of the file parsed last: rules build several fixes for one file in a row (an
 * address and its gateway, the settings of one Postfix instance). Wasm memory is not
 * garbage collected, so it is freed when the current synchronous run ends (or another file
 * is parsed): no tree outlives the fixes being built.
 */
let kept: { readonly parser: Parser; readonly file: SourceFile; readonly tree: Tree } | undefined;
/** withNixDoc calls in progress: a tree in use is never freed. */
let inUse = 0;

function release(): void {
  kept?.tree.delete();
  kept = undefined;
}

/**
 * Runs `work` on the file's tree: the analysis's tree of the same text, the tree kept from the
 * call before, or a new parse.
 */
export function withNixDoc<T>(parser: Parser, file: SourceFile, work: (doc: NixDoc) => T): T {
  const analysed = analysedTreeOf(file);
  if (analysed) return withTree(parser, file, analysed, work);
  if (kept && kept.file === file && kept.parser === parser) return withTree(parser, file, kept.tree, work);
  const tree = parser.parse(file.text);
  if (!tree) throw new Error(`tree-sitter could not parse ${file.path}`);
  // Registered with its text: binding keys are then read from it, not through nodes.
  rememberSource(tree, file.text);
  if (inUse > 0) {
    // Nested in another file's work: that file's kept tree is still in use.
    try {
      return withTree(parser, file, tree, work);
    } finally {
      tree.delete();
    }
  }
  release();
  kept = { parser, file, tree };
  queueMicrotask(() => {
    if (kept?.tree === tree) release();
  });
  return withTree(parser, file, tree, work);
}

function withTree<T>(parser: Parser, file: SourceFile, tree: Tree, work: (doc: NixDoc) => T): T {
  const facts = factsOf(file);
  const root = tree.rootNode;
  const mentions = (path: readonly string[]) => mentionsPath((facts.mentioned ??= mentionedPaths(root)), path);
  inUse++;
  try {
    return work({ file, text: file.text, root, layout: facts.layout, parser, mentions });
  } finally {
    inUse--;
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
