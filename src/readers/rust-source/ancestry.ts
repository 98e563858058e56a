// The syntax node at each of a series of ascending offsets, and the parents of the nodes on the way, from
// one TreeCursor that only moves forward. Why: tree-sitter has no parent pointers. `node.parent` and
// `root.descendantForIndex` each search down from the root, scanning the children of every level, so on a
// file of thousands of top-level items each call costs time in proportion to the item's position, and the
// inventory's per-token lookups grew quadratically (a 5,000-fn file spent most of its inventory there). The
// cursor walks the tree once across all tokens: sibling lists are scanned forward, never again from the
// start, and the parent of every node it passes is remembered.
import type { Node } from './parser.ts';

export class Ancestry {
  private readonly cursor;
  /** Nodes from the root to the cursor's node. */
  private readonly stack: Node[];
  private readonly parents = new Map<number, Node | null>();

  constructor(root: Node) {
    this.cursor = root.walk();
    this.stack = [root];
    this.parents.set(root.id, root.parent);
  }

  /**
   * The smallest node spanning [start, end) (start < end), as `root.descendantForIndex(start, end)` finds
   * it. Offsets must not decrease between calls (then each call costs the nodes between the two offsets).
   */
  nodeAt(start: number, end: number): Node {
    const { cursor, stack } = this;
    // Up and forward until the cursor's node spans the range (the root always does).
    while (stack.length > 1) {
      const top = stack.at(-1)!;
      if (top.startIndex <= start && end <= top.endIndex) break;
      let found = false;
      while (cursor.endIndex <= start && cursor.gotoNextSibling()) {
        if (cursor.startIndex <= start && end <= cursor.endIndex) {
          found = true;
          break;
        }
      }
      if (found) {
        stack[stack.length - 1] = this.enter(stack.at(-2)!);
        break;
      }
      // Passed the range, or no sibling left: back to the parent, which is on the stack.
      cursor.gotoParent();
      stack.pop();
    }
    // Down into the first child that spans the range, while one does.
    while (cursor.gotoFirstChild()) {
      while (cursor.endIndex <= start && cursor.gotoNextSibling()) {}
      if (!(cursor.startIndex <= start && end <= cursor.endIndex)) {
        cursor.gotoParent();
        break;
      }
      stack.push(this.enter(stack.at(-1)!));
    }
    return stack.at(-1)!;
  }

  /** A node's parent: remembered when the cursor passed it, else asked of tree-sitter once. */
  parentOf(node: Node): Node | null {
    let p = this.parents.get(node.id);
    if (p === undefined) {
      p = node.parent;
      this.parents.set(node.id, p);
    }
    return p;
  }

  delete(): void {
    this.cursor.delete();
  }

  private enter(parent: Node): Node {
    const node = this.cursor.currentNode;
    this.parents.set(node.id, parent);
    return node;
  }
}
