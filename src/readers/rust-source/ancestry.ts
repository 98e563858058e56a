// The syntax node at each of a series of ascending offsets, and the parents of the nodes on the way. Why:
// tree-sitter has no parent pointers. `node.parent` searches down from the root, scanning the root's
// children one by one, so on a file of thousands of top-level items each call costs time in proportion to
// the item's position, and the inventory's per-token parent walks grew with the square of the file. Here
// the path from the root to the last node found is kept: the next offset climbs only as far as it must,
// finds a top-level item by binary search, and descends with `firstChildForIndex`; every node passed
// remembers its parent. (web-tree-sitter 0.27's TreeCursor.gotoFirstChildForIndex ignores its goal and
// always reports failure, so no cursor is used.)
import type { Node } from './parser.ts';

export class Ancestry {
  /** Nodes from the root to the last node found, with their end offsets (`endIndex` is a wasm call). */
  private readonly stack: Node[];
  private readonly ends: number[];
  private readonly parents = new Map<number, Node | null>();
  private topLevel: Node[] | undefined;

  constructor(private readonly root: Node) {
    this.stack = [root];
    this.ends = [root.endIndex];
  }

  /**
   * The smallest node spanning [start, end) (start < end), as `root.descendantForIndex(start, end)` finds
   * it. Offsets should not decrease between calls: then each call costs the levels between the two nodes.
   */
  nodeAt(start: number, end: number): Node {
    const { stack, ends } = this;
    while (stack.length > 1 && !(stack.at(-1)!.startIndex <= start && end <= ends.at(-1)!)) {
      stack.pop();
      ends.pop();
    }
    if (stack.length === 1) {
      const top = this.topLevelAt(start);
      if (!top || !this.tryPush(top, start, end)) return this.root;
    }
    for (;;) {
      const child = stack.at(-1)!.firstChildForIndex(start);
      if (!child || !this.tryPush(child, start, end)) break;
    }
    return stack.at(-1)!;
  }

  /** A node's parent: remembered when a search passed it, else asked of tree-sitter once. */
  parentOf(node: Node): Node | null {
    let p = this.parents.get(node.id);
    if (p === undefined) {
      p = node.id === this.root.id ? null : node.parent;
      this.parents.set(node.id, p);
    }
    return p;
  }

  /** Pushes `node` when it spans [start, end). */
  private tryPush(node: Node, start: number, end: number): boolean {
    if (node.startIndex > start) return false;
    const nodeEnd = node.endIndex;
    if (end > nodeEnd) return false;
    this.parents.set(node.id, this.stack.at(-1)!);
    this.stack.push(node);
    this.ends.push(nodeEnd);
    return true;
  }

  /** The root's last child starting at or before `start` (its children are in offset order). */
  private topLevelAt(start: number): Node | undefined {
    this.topLevel ??= this.root.children;
    const kids = this.topLevel;
    let lo = 0;
    let hi = kids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kids[mid]!.startIndex <= start) lo = mid + 1;
      else hi = mid;
    }
    return kids[lo - 1];
  }
}
