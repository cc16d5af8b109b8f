/**
 * Syntax nodes whose reads are kept, for a tree the evaluator walks again for every host: a
 * module that reads `config` (a mail or web role) is evaluated once per host importing it, and
 * each evaluation asked wasm again for the same types, fields, ends and texts, while
 * web-tree-sitter made new `Node` objects for every child it handed out (and so could not
 * reuse the child lists it caches per object). A kept node asks each once and hands out the
 * same kept children every time.
 *
 * It answers exactly the members the evaluator reads (`type`, `text`, `startIndex`,
 * `endIndex`, `tree`, `namedChildren`, `childForFieldName`, `hasError`); a unit test checks
 * that an evaluation through kept nodes reads nothing else and gives the same values.
 */
import type { Node, Tree } from 'web-tree-sitter';

class KeptNode {
  readonly startIndex: number;
  readonly tree: Tree;
  private typeName: string | undefined;
  private end: number | undefined;
  private source: string | undefined;
  private named: (Node | null)[] | undefined;
  private fields: Map<string, Node | null> | undefined;

  constructor(private readonly node: Node) {
    this.startIndex = node.startIndex;
    this.tree = node.tree;
  }

  get type(): string {
    return (this.typeName ??= this.node.type);
  }

  get endIndex(): number {
    return (this.end ??= this.node.endIndex);
  }

  get text(): string {
    return (this.source ??= this.node.text);
  }

  get hasError(): boolean {
    return this.node.hasError;
  }

  get namedChildren(): (Node | null)[] {
    if (!this.named) {
      const children = this.node.namedChildren;
      const kept: (Node | null)[] = [];
      for (const c of children) kept.push(c && keep(c));
      this.named = kept;
    }
    return this.named;
  }

  childForFieldName(name: string): Node | null {
    const fields = (this.fields ??= new Map());
    let child = fields.get(name);
    if (child === undefined) {
      const c = this.node.childForFieldName(name);
      child = c && keep(c);
      fields.set(name, child);
    }
    return child;
  }
}

/** The kept node over `node`, typed as the evaluator reads it. */
function keep(node: Node): Node {
  return new KeptNode(node) as unknown as Node;
}

const keptRoots = new WeakMap<Tree, Node>();
const evaluatedOnce = new WeakSet<Tree>();

/**
 * The root to evaluate a tree from for one more host: its own root node the first time (a
 * module only one host reads, such as a large one being edited, pays nothing for keeping),
 * the same kept root from the second time on.
 */
export function rootForRepeatedEvaluation(tree: Tree): Node {
  if (keptRoots.has(tree) || evaluatedOnce.has(tree)) return keptRoot(tree);
  evaluatedOnce.add(tree);
  return tree.rootNode;
}

/** The root of a tree as a kept node, the same one every time it is asked for (per tree). */
export function keptRoot(tree: Tree): Node {
  let root = keptRoots.get(tree);
  if (!root) keptRoots.set(tree, (root = keep(tree.rootNode)));
  return root;
}
