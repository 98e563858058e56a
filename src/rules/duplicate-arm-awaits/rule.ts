// `match x { A => send(1).await, B => send(2).await }`: every `.await` is a separate suspend state, each with
// its own copy of the awaited future's poll loop and drop path. Computing the differing arguments in the
// branches and awaiting once gives one state.

import type { AsyncItem } from '../../model/async-item.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { withRewrite } from '../rewrite-common.ts';
import type { Rule } from '../rule.ts';
import { awaitedCallee, compact, ifChainBranches, matchArmValues, trailingAwait } from '../syntax.ts';
import { rewriteDuplicateArmAwaits } from './rewrite.ts';

const BRANCH_KEYWORD = /\b(?:match|if)\b/;

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
    let spans: [number, number][] | undefined;
    for (const item of ctx.items) {
      if (item.awaits < 2) continue;
      const itemNode = ctx.nodeOf(item);
      // Text first: a tree walk per item is what this rule costs on large files, and most have no branch.
      if (!BRANCH_KEYWORD.test(ctx.text.slice(itemNode.startIndex, itemNode.endIndex))) continue;
      for (const node of itemNode.descendantsOfType(['match_expression', 'if_expression'])) {
        if (seen.has(node.id)) continue;
        seen.add(node.id);
        if (node.type === 'if_expression' && node.parent?.type === 'else_clause') continue; // reported at the chain's head
        const branches = node.type === 'match_expression' ? matchArmValues(node) : ifChainBranches(node);
        const dup = largestGroup(branches);
        if (!dup) continue;
        // How to await once depends on the arms: the same call in each (move it after the match), some arms
        // without it (an `Option` of the arguments), or differing arguments (compute them, then await).
        const kw =
          node.type === 'match_expression' ? 'match .. { .. => a, .. => b }' : 'if .. { a } else { b }';
        const advice =
          dup.count < branches.length
            ? `not every branch awaits it, so compute \`Option\`al arguments and await once: \`let args = ${node.type === 'match_expression' ? 'match .. { .. => Some(a), .. => None }' : 'if .. { Some(a) } else { None }'}; if let Some(args) = args { ${dup.callee}(args).await }\``
            : dup.identical
              ? `every branch awaits the same call: await it once after the ${node.type === 'match_expression' ? '`match`' : '`if`'}, keeping only what differs in the branches`
              : `compute the differing arguments in the branches and await once: \`let args = ${kw}; ${dup.callee}(args).await\``;
        const what =
          node.type === 'match_expression' ? 'arms of this `match`' : 'branches of this `if` chain';
        spans ??= ctx.items.map((i) => {
          const n = ctx.nodeOf(i);
          return [n.startIndex, n.endIndex];
        });
        const owner = innermost(ctx.items, spans, node.startIndex, node.endIndex);
        const fix = rewriteDuplicateArmAwaits(node, ctx.file, ctx.text);
        ctx.report(
          withRewrite(
            {
              node,
              start: node.startIndex,
              end: headerEnd(node),
              message: `${dup.count} ${what} await \`${dup.callee}(..)\``,
              help: `each \`.await\` becomes its own suspend state with its own copy of the awaited future's handling; ${advice}`,
              ...(owner ? { item: owner } : {}),
            },
            fix,
          ),
        );
      }
    }
  },
};

function largestGroup(branches: Node[]): { callee: string; count: number; identical: boolean } | undefined {
  const groups = new Map<string, string[]>();
  for (const b of branches) {
    const awaited = trailingAwait(b);
    const callee = awaitedCallee(awaited);
    if (callee && awaited) groups.set(callee, [...(groups.get(callee) ?? []), compact(awaited.text)]);
  }
  let best: { callee: string; count: number; identical: boolean } | undefined;
  for (const [callee, texts] of groups)
    if (texts.length >= 2 && (!best || texts.length > best.count))
      best = { callee, count: texts.length, identical: texts.every((t) => t === texts[0]) };
  return best;
}

/** The span to underline: `match scrutinee` / `if cond`, not the whole expression. */
function headerEnd(node: Node): number {
  const body = node.childForFieldName(node.type === 'match_expression' ? 'body' : 'consequence');
  const end = body ? body.startIndex : node.endIndex;
  return node.startIndex + node.text.slice(0, end - node.startIndex).trimEnd().length;
}

/**
 * The innermost of the items (in source order, `spans` their nodes' ranges) whose node contains
 * [start, end): the last one that starts at or before `start` and contains it. Found by a binary search
 * and a walk back over the items nested before it, not a walk over every item per finding: that was
 * quadratic in a file's items (4,000 fns with a finding each took 2.6 s here).
 */
function innermost(
  items: readonly AsyncItem[],
  spans: readonly (readonly [number, number])[],
  start: number,
  end: number,
): AsyncItem | undefined {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid]![0] <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) if (end <= spans[i]![1]) return items[i];
  return undefined;
}
