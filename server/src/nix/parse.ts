/**
 * Per-file parsing: trees cached by path and text, incremental re-parse for the editor,
 * syntax errors (without the grammar's known trailing-comma gap) and suppression comments.
 */
import type { Edit, Node, Parser, Tree } from 'web-tree-sitter';
import type { SourceFile } from '../core/source';
import { lineIndexOf, locatorFor } from '../core/source';
import type { LineIndex } from '../core/text';
import type { FileSummary, SyntaxProblem } from '../model/types';
import { createNixParser } from './grammar';
import { hasSyntaxErrors, rememberSource } from './syntax';

export interface ParsedNix {
  readonly file: SourceFile;
  readonly tree: Tree;
  /**
   * Why the file was not parsed (hostile input: tree-sitter ran over its time budget, or the
   * tree nests deeper than the walkers recurse). `tree` is then an empty tree: no facts.
   */
  readonly unparsed?: string;
}

/**
 * Real configuration parses in milliseconds; pathological text (a 50 000-part attribute path)
 * takes minutes, superlinearly. The budget grows with size so large real files still parse.
 */
const parseBudgetMs = (text: string) => 2000 + text.length / 100;
/**
 * Configuration nests a few dozen levels. Walks over much deeper trees overflow the JS stack
 * (recursive visitors) or, worse, corrupt web-tree-sitter's wasm memory (a 518-level tree of
 * unary minus in an ERROR node did: every later parse in the process failed).
 */
const MAX_TREE_DEPTH = 256;

let shared: Parser | undefined;
let sharedLoading: Promise<Parser> | undefined;

/** Loads the grammar once; afterwards `parseNixSync` can be used. */
export async function initNixParser(): Promise<Parser> {
  if (shared) return shared;
  sharedLoading ??= createNixParser().then((p) => (shared = p));
  return sharedLoading;
}

const cache = new Map<string, { text: string; tree: Tree; unparsed?: string }>();
const CACHE_LIMIT = 5000;

/**
 * Parses a file; the same path and text return the cached tree. With `previous` (the tree of
 * the text before an edit, and the edit), tree-sitter re-parses only what changed.
 */
export async function parseNix(file: SourceFile, previous?: { tree: Tree; edit: Edit }): Promise<ParsedNix> {
  await initNixParser();
  return parseNixSync(file, previous);
}

export function parseNixSync(file: SourceFile, previous?: { tree: Tree; edit: Edit }): ParsedNix {
  if (!shared) throw new Error('parseNixSync before initNixParser()');
  const hit = cache.get(file.path);
  if (hit && hit.text === file.text) return { file, tree: hit.tree, ...(hit.unparsed ? { unparsed: hit.unparsed } : {}) };
  let old: Tree | undefined;
  if (previous) {
    old = previous.tree.copy();
    old.edit(previous.edit);
  }
  const budget = Math.round(parseBudgetMs(file.text));
  const deadline = performance.now() + budget;
  // Returning true cancels the parse (the typings say void; the runtime reads the result).
  const progressCallback = (() => performance.now() > deadline) as unknown as (state: unknown) => void;
  let tree = shared.parse(file.text, old ?? null, { progressCallback });
  old?.delete();
  let unparsed: string | undefined;
  let errorFree: boolean | undefined;
  if (!tree) {
    shared.reset();
    unparsed = `not analysed: parsing took longer than ${budget} ms`;
  } else {
    // One root node for both questions: each `rootNode` is a round trip into wasm and an object.
    const root = tree.rootNode;
    // A tree of n nodes is at most n - 1 levels deep: nearly every file is ruled out here,
    // without a cursor (creating one cost more than the rest of this function).
    if (root.descendantCount - 1 > MAX_TREE_DEPTH && treeDepthExceeds(tree, MAX_TREE_DEPTH)) {
      unparsed = `not analysed: expressions nested more than ${MAX_TREE_DEPTH} levels deep`;
      tree.delete();
    } else errorFree = !root.hasError;
  }
  if (unparsed) tree = shared.parse('');
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file.path}`);
  rememberSource(tree, unparsed ? '' : file.text, errorFree);
  if (cache.size >= CACHE_LIMIT && !cache.has(file.path)) forgetNix(cache.keys().next().value!);
  // Trees live in the wasm heap, which no garbage collector sees: the tree of a previous
  // text is freed here, or every keystroke leaks its tree until the parser aborts. Callers
  // use a ParsedNix synchronously (analyzeNix parses and evaluates without awaiting).
  forgetNix(file.path);
  cache.set(file.path, { text: file.text, tree, ...(unparsed ? { unparsed } : {}) });
  return { file, tree, ...(unparsed ? { unparsed } : {}) };
}

/** Iterative (a cursor, no recursion): the point is to find trees too deep to recurse over. */
function treeDepthExceeds(tree: Tree, limit: number): boolean {
  const cursor = tree.walk();
  let depth = 0;
  try {
    for (;;) {
      // A subtree of n nodes is at most n - 1 levels deep: subtrees that cannot reach the limit
      // are not walked (nearly all of a normal file; the editor re-checks after each keystroke).
      if (depth + cursor.currentNode.descendantCount - 1 > limit && cursor.gotoFirstChild()) {
        if (++depth > limit) return true;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return false;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * The tree the analysis holds for exactly this text, if any. Fix builders borrow it for one
 * synchronous call instead of parsing the file again; they must neither keep nor delete it.
 */
export function analysedTreeOf(file: SourceFile): Tree | undefined {
  const hit = cache.get(file.path);
  return hit && !hit.unparsed && hit.text === file.text ? hit.tree : undefined;
}

/** Forgets a file (closed, deleted). */
export function forgetNix(path: string): void {
  cache.get(path)?.tree.delete();
  cache.delete(path);
}

/**
 * tree-sitter-nix 0.0.2 rejects `{ a, b, }:` which Nix accepts: a zero-width MISSING identifier
 * in the formals, or an ERROR holding only ",". Never a diagnostic.
 */
export function isTrailingCommaGap(node: Node): boolean {
  const parent = node.parent;
  if (node.isMissing && node.type === 'identifier' && node.startIndex === node.endIndex) {
    return parent?.type === 'formal' && parent.parent?.type === 'formals';
  }
  if (node.type === 'ERROR' && parent?.type === 'formals') {
    return node.childCount === 1 && node.child(0)?.type === ',';
  }
  return false;
}

const MAX_ERRORS = 50;

export function syntaxErrors(parsed: ParsedNix): SyntaxProblem[] {
  if (parsed.unparsed) return [{ message: parsed.unparsed, at: { file: parsed.file.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } }];
  if (!hasSyntaxErrors(parsed.tree)) return [];
  const root = parsed.tree.rootNode;
  const locate = locatorFor(parsed.file);
  const out: SyntaxProblem[] = [];
  const visit = (node: Node) => {
    if (out.length >= MAX_ERRORS) return;
    if (node.isMissing) {
      if (!isTrailingCommaGap(node)) out.push({ message: `Syntax error: missing '${node.type}'`, at: locate(node.startIndex, node.endIndex) });
      return;
    }
    if (node.type === 'ERROR') {
      if (!isTrailingCommaGap(node)) out.push({ message: errorMessage(node, parsed.file.text), at: locate(node.startIndex, node.endIndex) });
      return;
    }
    if (!node.hasError) return;
    for (const c of node.children) if (c) visit(c);
  };
  visit(root);
  return out;
}

function errorMessage(node: Node, text: string): string {
  const first = node.child(0);
  const token = (first && first.childCount === 0 ? first.text : text.slice(node.startIndex, node.endIndex)).split('\n')[0];
  const shown = token.length > 30 ? token.slice(0, 30) + '…' : token;
  if (node.startIndex === node.endIndex || !shown.trim()) return 'Syntax error: unexpected end of input';
  return `Syntax error: unexpected '${shown}'`;
}

const SUPPRESS = /infra-review:\s*ignore\s+([A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)/;

/**
 * `# infra-review: ignore RULE[, RULE]` on a line of its own covers that line and the next one;
 * at the end of a line of code it covers that line only (the next line is another binding).
 * Inside a string (Postfix `extraConfig`, `masterConfig` text) a `#` line is a comment of the
 * configuration the string holds: see `stringDirectiveLines`.
 */
export function suppressions(parsed: ParsedNix): { rule: string; line: number }[] {
  const out: { rule: string; line: number }[] = [];
  if (!parsed.file.text.includes('infra-review')) return out;
  const lines = lineIndexOf(parsed.file);
  const add = (ids: string, covered: readonly number[]) => {
    for (const rule of ids.split(',').map((r) => r.trim())) for (const line of covered) out.push({ rule, line });
  };
  for (const c of parsed.tree.rootNode.descendantsOfType('comment')) {
    if (!c) continue;
    const m = SUPPRESS.exec(c.text);
    if (!m) continue;
    const at = lines.position(c.startIndex);
    const line = at.line;
    const trailing = lines.lineText(line).slice(0, at.character).trim() !== '';
    add(m[1], trailing ? [line] : [line, line + 1]);
  }
  for (const d of stringDirectives(parsed, lines)) add(d.ids, d.lines);
  return out;
}

const STRING_FRAGMENT_OF = new Set(['indented_string_expression', 'string_expression']);

/**
 * Directives on `#` lines of their own inside Nix strings. Postfix reads such a line as a
 * comment (a `#` after a value is part of the value, so only whole lines count). As in a
 * main.cf file, the directive covers its line, the next line and that line's continuation
 * lines (indented deeper than the directive, up to the end of the string).
 */
function stringDirectives(parsed: ParsedNix, lines: LineIndex): { ids: string; lines: number[] }[] {
  const out: { ids: string; lines: number[] }[] = [];
  const text = parsed.file.text;
  const marker = /infra-review:\s*ignore\s/g;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    const node = parsed.tree.rootNode.descendantForIndex(m.index);
    if (node?.type !== 'string_fragment' || !STRING_FRAGMENT_OF.has(node.parent?.type ?? '')) continue;
    const at = lines.position(m.index);
    const lineText = lines.lineText(at.line);
    if (!/^\s*#\s*$/.test(lineText.slice(0, at.character))) continue;
    const ids = SUPPRESS.exec(lineText.slice(at.character));
    if (!ids) continue;
    const indent = leadingSpace(lineText);
    const last = lines.position(node.endIndex).line;
    const covered = [at.line, at.line + 1];
    for (let l = at.line + 2; l <= last; l++) {
      const t = lines.lineText(l);
      if (!t.trim() || leadingSpace(t) <= indent) break;
      covered.push(l);
    }
    out.push({ ids: ids[1], lines: covered });
  }
  return out;
}

const leadingSpace = (line: string): number => line.length - line.trimStart().length;

export function summarize(parsed: ParsedNix): FileSummary {
  return { file: parsed.file.path, kind: 'nix', syntaxErrors: syntaxErrors(parsed), suppressions: suppressions(parsed) };
}
