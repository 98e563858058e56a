// Rewrite for `single-await-wrapper`: `async fn f(x: A) -> T { let y = prep(x); inner(y).await }` becomes
// `fn f(x: A) -> impl Future<Output = T> { let y = prep(x); inner(y) }`, dropping the outer state machine.
// The preamble, the call's arguments and the call itself then run when `f` is called instead of at the first
// poll (`inner`'s own body still runs when polled if it is an `async fn`). The fix is machine-applicable when
// none of that has effects: the preamble and arguments are effect-free and the callee is known to create its
// future without effects, which only an `async fn` (or an effect-free plain fn) of the same file is
// (effects.ts; `tokio::time::sleep(d)` may read the clock when called, so it is maybe-incorrect, with a
// caveat saying what moves). Everything else must stay the same: return-future.ts lists when the rewrite
// refuses (borrows the new signature does not capture, arguments dropped early, `return`/`?`, ...).
// What syntax cannot show (an awaited value that is only `IntoFuture`, lifetimes behind a type alias) is
// caught by `cargo check`: `fix` checks its plan on a copy and leaves out rewrites that do not compile.
import type { TextEdit } from '../../model/source.ts';
import type { Edition } from '../../readers/cargo-edition.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { forwardEffect } from '../effects.ts';
import { returnFutureEdits } from '../return-future.ts';
import {
  controlFlowProblem,
  eagerCaveat,
  hasCommentIn,
  notFixable,
  type RewriteResult,
} from '../rewrite-common.ts';
import { statements } from '../syntax.ts';

export function rewriteSingleAwaitWrapper(
  fn: Node,
  file: string,
  text: string,
  edition: Edition = '2021',
): RewriteResult {
  const body = fn.childForFieldName('body');
  if (!body) return notFixable('the fn has no body');
  const returnType = fn.childForFieldName('return_type')?.text ?? '';
  const stmts = statements(body);
  // `callee(..).await` as the tail, or `callee(..).await;` ending a fn that returns `()`: the statement's
  // `;` goes with the `.await`, so the block's value is the future.
  const last = stmts.at(-1);
  const tail = last?.type === 'expression_statement' && !returnType ? last.namedChildren[0] : last;
  const call = tail?.type === 'await_expression' ? tail.namedChildren[0] : undefined;
  if (!tail || call?.type !== 'call_expression')
    return notFixable('the body does not end in `callee(..).await`');
  const problem = controlFlowProblem(body);
  if (problem) return notFixable(problem);

  const signature = returnFutureEdits(fn, file, text, edition, [call], stmts.slice(0, -1));
  if ('notFixable' in signature) return notFixable(signature.notFixable);
  const fnNode = call.childForFieldName('function');
  const callee = (fnNode?.type === 'generic_function' ? fnNode.childForFieldName('function') : fnNode)!;
  const preamble = stmts.slice(0, -1);
  if (hasCommentIn(last!, call.endIndex, last!.endIndex))
    return notFixable('a comment inside `.await` would be lost');
  const edits: TextEdit[] = [
    ...signature.edits,
    { file, start: call.endIndex, end: last!.endIndex, text: '' },
  ];
  const calleeText =
    callee.type === 'field_expression' ? `.${callee.childForFieldName('field')?.text}` : callee.text;
  const lets = stmts.length - 1;
  const effect = forwardEffect(fn, preamble, call);
  const what = `${lets > 0 ? `the ${lets === 1 ? '`let`' : `${lets} \`let\`s`} and ` : ''}the call to \`${calleeText}\``;
  const name = fn.childForFieldName('name')?.text ?? '?';
  return {
    fix: {
      description: `return \`${calleeText}(..)\`'s future instead of awaiting it in a second state machine`,
      ...(effect
        ? { applicability: 'maybe-incorrect', caveat: eagerCaveat(what, name, effect) }
        : { applicability: 'machine-applicable' }),
      edits,
    },
  };
}
