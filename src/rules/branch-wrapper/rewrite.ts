// Rewrite for `branch-wrapper`: `async fn f(x) -> T { if c { a(x).await } else { b(x).await } }` becomes
// `fn f(x) -> impl Future<Output = T> { if c { Either::Left(a(x)) } else { Either::Right(b(x)) } }`, with
// `futures::future::Either` (a future when both sides are futures with one output). More branches nest:
// `Left(a)`, `Right(Left(b))`, `Right(Right(c))`. The condition (or scrutinee) and the chosen call then run
// when `f` is called instead of at the first poll, so the fix is maybe-incorrect. It is offered only where
// the crate depends on `futures`, `futures-util` or `either`. `either::Either` is a future only in recent
// versions of `either`, which the manifest alone does not tell: the caveat says so, and `fix` checks its
// plan with `cargo check` on a copy and leaves the rewrite out if it does not compile. The signature checks
// are single-await-wrapper's (return-future.ts), over every branch's call.
import type { TextEdit } from '../../model/source.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { returnFutureEdits } from '../return-future.ts';
import { hasCommentIn, notFixable, type RewriteResult } from '../rewrite-common.ts';
import type { RuleContext } from '../rule.ts';

/** The `Either` that is a future, from the crate's dependencies; undefined when it has none. */
export function eitherPath(dependencies: readonly string[]): string | undefined {
  if (dependencies.includes('futures')) return 'futures::future::Either';
  if (dependencies.includes('futures_util')) return 'futures_util::future::Either';
  if (dependencies.includes('either')) return 'either::Either';
  return undefined;
}

export function rewriteBranchWrapper(
  fn: Node,
  tail: Node,
  awaits: Node[],
  ctx: Pick<RuleContext, 'file' | 'text' | 'edition' | 'dependencies'>,
): RewriteResult {
  const path = eitherPath(ctx.dependencies);
  if (!path)
    return notFixable(
      'no dependency has an `Either` future to return (`futures`, `futures-util` or `either`)',
    );
  const calls = awaits.map((a) => a.namedChildren[0]!);
  if (calls.some((c) => c.type !== 'call_expression'))
    return notFixable('a branch awaits a value, not a call: the future may borrow a local');
  const signature = returnFutureEdits(fn, ctx.file, ctx.text, ctx.edition, calls, []);
  if ('notFixable' in signature) return signature;
  for (const [k, a] of awaits.entries())
    if (hasCommentIn(a, calls[k]!.endIndex, a.endIndex))
      return notFixable('a comment inside `.await` would be lost');
  const n = awaits.length;
  const edits: TextEdit[] = [...signature.edits];
  awaits.forEach((a, i) => {
    const call = calls[i]!;
    // Branch i of n: i `Right`s, then a `Left` unless it is the last branch.
    const wrappers = i + (i < n - 1 ? 1 : 0);
    const open = `${`${path}::Right(`.repeat(i)}${i < n - 1 ? `${path}::Left(` : ''}`;
    edits.push(
      { file: ctx.file, start: call.startIndex, end: call.startIndex, text: open },
      { file: ctx.file, start: call.endIndex, end: a.endIndex, text: ')'.repeat(wrappers) },
    );
  });
  const name = fn.childForFieldName('name')?.text ?? '?';
  const what = tail.type === 'match_expression' ? 'the `match` scrutinee' : 'the `if` condition';
  return {
    fix: {
      description: `return each branch's future as \`${path}\` instead of awaiting it in a second state machine`,
      applicability: 'maybe-incorrect',
      caveat:
        `\`${name}\` would run ${what} and the chosen call when called, not at its first poll` +
        (path === 'either::Either'
          ? '; `either::Either` is a future only in recent versions of `either`'
          : ''),
      edits,
    },
  };
}
