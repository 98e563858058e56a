// `async fn f(..) -> T { if side { a(x).await } else { b(x).await } }`: each branch only forwards to one
// future, yet the fn wraps them in a state machine of its own, with a state per branch. Returning the
// branch's future (`futures::future::Either`) removes the wrapper. pants' `task_context` was one: the
// wrapper is the single-await-wrapper of a tail `if` or `match`.

import type { Node } from '../../readers/rust-source/parser.ts';
import { classifyAttributes } from '../attributes.ts';
import { withRewrite } from '../rewrite-common.ts';
import type { Rule } from '../rule.ts';
import {
  awaitedCallee,
  compact,
  fnHeader,
  hasCfg,
  ifChainBranches,
  matchArmValues,
  outerAttributes,
  plainSignature,
  returnType,
  statements,
  whereClause,
} from '../syntax.ts';
import { eitherPath, rewriteBranchWrapper } from './rewrite.ts';

/** Past this many branches the nested `Either`s cost more to read than the wrapper costs to run. */
export const MAX_BRANCHES = 4;

export const branchWrapper: Rule = {
  meta: {
    id: 'branch-wrapper',
    description: 'async fn whose tail if/match only awaits one future per branch',
    docs:
      'An async fn whose whole body is a tail `if`/`else` or `match` in which every branch is one `callee(..).await` ' +
      '(and nothing else is awaited) wraps each branch future in a state machine of its own: one state per branch, ' +
      'its own panic paths, and every poll goes through it. Return the branch future instead, as ' +
      '`fn f(..) -> impl Future<Output = T> { if c { Either::Left(a(..)) } else { Either::Right(b(..)) } }` with ' +
      '`futures::future::Either` (nest `Either` for more branches). Caveats: the condition or scrutinee then runs when `f` is called, ' +
      'not at the first poll, and the futures may only borrow what the signature captures. The fix is offered only ' +
      'where `futures`, `futures-util` or `either` is a dependency, and is maybe-incorrect: `fix --write` applies it only with `--allow-eager`.',
    defaultLevel: 'warning',
    fixable: true,
  },
  check(ctx) {
    for (const item of ctx.items) {
      if (item.kind !== 'async-fn' || item.awaits < 2 || item.awaitSites.some((a) => a.inMacro)) continue;
      const fn = ctx.nodeOf(item);
      // Text first: most fns have no branch at all, and tree walks are this rule's cost on large files.
      if (!/\b(?:match|if)\b/.test(ctx.text.slice(fn.startIndex, fn.endIndex))) continue;
      const body = fn.childForFieldName('body');
      const found = body && branchAwaits(body);
      if (!found || found.awaits.length !== item.awaits) continue;
      // After the shape: reading a top-level fn's attributes walks its earlier siblings (tree-sitter has no
      // cheap previous sibling), which on a file of thousands of items is most of this rule's time.
      if (classifyAttributes(outerAttributes(fn)).requires) continue;
      const callees = found.awaits.map((a) => awaitedCallee(a));
      // Two branches awaiting the same callee: duplicate-arm-awaits says to await it once, which is better.
      if (callees.some((c, i) => c !== undefined && callees.indexOf(c) !== i)) continue;
      const kind = found.tail.type === 'match_expression' ? '`match`' : '`if`';
      const header = fnHeader(fn);
      const path = eitherPath(ctx.dependencies) ?? 'futures::future::Either';
      const shown = found.awaits
        .map((a) => compact(a.namedChildren[0]!.text))
        .map((t) => (t.length > 30 ? `${t.slice(0, 27)}...` : t));
      const fix =
        found.awaits.length > MAX_BRANCHES
          ? { notFixable: `more than ${MAX_BRANCHES} branches would nest too many \`Either\`s` }
          : rewriteBranchWrapper(fn, found.tail, found.awaits, ctx);
      ctx.report(
        withRewrite(
          {
            node: fn,
            start: header.start,
            end: header.end,
            message: `\`async fn ${item.fnName}\` only awaits one future in each branch of its tail ${kind}: ${shown.map((s) => `\`${s}\``).join(', ')}`,
            help:
              `return the branch's future instead of wrapping it: \`${plainSignature(fn)} -> impl Future<Output = ${returnType(fn)}>${whereClause(fn)} { .. ${path}::Left(..) .. ${path}::Right(..) }\`` +
              `${found.awaits.length > 2 ? ' (nest `Either` for more branches)' : ''}; the ${found.tail.type === 'match_expression' ? 'scrutinee' : 'condition'} then runs when \`${item.fnName}\` is called, not at the first poll`,
            item,
          },
          fix,
        ),
      );
    }
  },
};

/**
 * The block's tail `if`/`else` chain or `match` when it is the whole body and each of its branches is one
 * `.await` (`x.await` or `{ x.await }`): the awaits in branch order. The condition, scrutinee and guards
 * await nothing; an `if` without a final `else` or a `#[cfg]` arm does not qualify.
 */
function branchAwaits(body: Node): { tail: Node; awaits: Node[] } | undefined {
  const stmts = statements(body);
  if (stmts.length !== 1) return undefined;
  // A block-like expression ending the body parses as a statement; with no `;` it is the body's value.
  const only = stmts[0]!;
  const tail =
    only.type === 'expression_statement' && only.lastChild?.type !== ';' ? only.namedChildren[0]! : only;
  if (tail.type !== 'if_expression' && tail.type !== 'match_expression') return undefined;
  let branches: Node[];
  if (tail.type === 'match_expression') {
    const arms = tail.childForFieldName('body')?.namedChildren.filter((c) => c.type === 'match_arm') ?? [];
    if (arms.some(hasCfg)) return undefined;
    branches = matchArmValues(tail);
    if (arms.some((a) => a.childForFieldName('pattern')?.descendantsOfType('await_expression').length))
      return undefined;
    if (tail.childForFieldName('value')?.descendantsOfType('await_expression').length) return undefined;
  } else {
    branches = ifChainBranches(tail);
    // Without a final `else` the value is `()` when no branch runs: nothing to return a future for.
    let last: Node | null = tail;
    while (last?.type === 'if_expression') {
      if (last.childForFieldName('condition')?.descendantsOfType('await_expression').length) return undefined;
      const alt: Node | null = last.childForFieldName('alternative');
      if (!alt) return undefined;
      last = alt.namedChildren[0] ?? null;
    }
  }
  if (branches.length < 2) return undefined;
  const awaits: Node[] = [];
  for (const b of branches) {
    let value: Node | undefined = b;
    if (value.type === 'block') {
      const inner = statements(value);
      if (inner.length !== 1) return undefined;
      value = inner[0];
    }
    if (value?.type !== 'await_expression') return undefined;
    const awaited = value.namedChildren[0];
    if (!awaited || awaited.descendantsOfType('await_expression').length > 0) return undefined;
    awaits.push(value);
  }
  return { tail, awaits };
}
