// `match x { A => send(1).await, B => send(2).await }`: every `.await` is a separate suspend state, each with
// its own copy of the awaited future's poll loop and drop path. Computing the differing arguments in the
// branches and awaiting once gives one state.

import { withRewrite } from '../fix/rewrites/common.ts';
import { rewriteDuplicateArmAwaits } from '../fix/rewrites/duplicate-arm-awaits.ts';
import type { AsyncItem } from '../model/async-item.ts';
import type { Node } from '../readers/rust-source/parser.ts';
import type { Rule } from './rule.ts';
import { awaitedCallee, endingExpression } from './syntax.ts';

export const duplicateArmAwaits: Rule = {
  meta: {
    id: 'duplicate-arm-awaits',
    description: 'match arms or if/else branches that each await the same callee',
    docs:
      'When two or more arms of a `match` (or branches of an `if` / `else if` / `else` chain) end in `.await` on ' +
      'the same callee (the same function path, or the same method on the same receiver), rustc makes each ' +
      '`.await` its own suspend state, with its own copy of the awaited future in the layout and its own poll ' +
      'and drop code. Compute the differing arguments in the branches and await once after them.',
    defaultLevel: 'warning',
    fixable: true,
  },
  check(ctx) {
    const seen = new Set<number>();
    for (const item of ctx.items) {
      if (item.awaits < 2) continue;
      for (const node of ctx.nodeOf(item).descendantsOfType(['match_expression', 'if_expression'])) {
        if (seen.has(node.id)) continue;
        seen.add(node.id);
        if (node.type === 'if_expression' && node.parent?.type === 'else_clause') continue; // reported at the chain's head
        const branches = node.type === 'match_expression' ? matchArms(node) : ifChain(node);
        const dup = largestGroup(branches);
        if (!dup) continue;
        const what =
          node.type === 'match_expression' ? 'arms of this `match`' : 'branches of this `if` chain';
        const owner = innermost(ctx.items, ctx.nodeOf, node);
        const fix = rewriteDuplicateArmAwaits(node, ctx.file, ctx.text);
        ctx.report(
          withRewrite(
            {
              node,
              start: node.startIndex,
              end: headerEnd(node),
              message: `${dup.count} ${what} await \`${dup.callee}(..)\``,
              help:
                `each \`.await\` becomes its own suspend state with its own copy of the awaited future's handling; ` +
                `compute the differing arguments in the branches and await once: ` +
                `\`let args = ${node.type === 'match_expression' ? 'match .. { .. => a, .. => b }' : 'if .. { a } else { b }'}; ${dup.callee}(args).await\``,
              ...(owner ? { item: owner } : {}),
            },
            fix,
          ),
        );
      }
    }
  },
};

function matchArms(m: Node): Node[] {
  const body = m.childForFieldName('body');
  if (!body) return [];
  return body.namedChildren
    .filter((c) => c.type === 'match_arm')
    .map((arm) => arm.childForFieldName('value'))
    .filter((v): v is Node => v !== null);
}

function ifChain(node: Node): Node[] {
  const out: Node[] = [];
  let cur: Node | null = node;
  while (cur?.type === 'if_expression') {
    const then = cur.childForFieldName('consequence');
    if (then) out.push(then);
    const alt: Node | null | undefined = cur.childForFieldName('alternative')?.namedChildren[0];
    if (alt && alt.type !== 'if_expression') out.push(alt);
    cur = alt ?? null;
  }
  return out;
}

function largestGroup(branches: Node[]): { callee: string; count: number } | undefined {
  const counts = new Map<string, number>();
  for (const b of branches) {
    const callee = awaitedCallee(endingExpression(b));
    if (callee) counts.set(callee, (counts.get(callee) ?? 0) + 1);
  }
  let best: { callee: string; count: number } | undefined;
  for (const [callee, count] of counts)
    if (count >= 2 && (!best || count > best.count)) best = { callee, count };
  return best;
}

/** The span to underline: `match scrutinee` / `if cond`, not the whole expression. */
function headerEnd(node: Node): number {
  const body = node.childForFieldName(node.type === 'match_expression' ? 'body' : 'consequence');
  const end = body ? body.startIndex : node.endIndex;
  return node.startIndex + node.text.slice(0, end - node.startIndex).trimEnd().length;
}

function innermost(
  items: readonly AsyncItem[],
  nodeOf: (item: AsyncItem) => Node,
  node: Node,
): AsyncItem | undefined {
  // Items are in source order, so the last one that contains the node is the innermost.
  let found: AsyncItem | undefined;
  for (const item of items) {
    const n = nodeOf(item);
    if (n.startIndex <= node.startIndex && node.endIndex <= n.endIndex) found = item;
  }
  return found;
}
