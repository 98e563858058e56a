// `async fn f(x) -> T { let y = prep(x); inner(y).await }` wraps inner's state machine in a second one that
// only forwards polls. Returning the inner future removes the outer coroutine entirely.

import { withRewrite } from '../fix/rewrites/common.ts';
import { rewriteSingleAwaitWrapper } from '../fix/rewrites/single-await-wrapper.ts';
import type { Node } from '../readers/rust-source/parser.ts';
import type { Rule } from './rule.ts';
import { fnHeader, plainSignature, returnType, statements } from './syntax.ts';

export const singleAwaitWrapper: Rule = {
  meta: {
    id: 'single-await-wrapper',
    description: 'async fn that only forwards to one awaited call',
    docs:
      'An async fn whose body is only `let` statements without awaits followed by one tail `callee(..).await` ' +
      'wraps one state machine in another: its future holds the callee future plus its own states and panic ' +
      'paths, and every poll goes through both. Return the inner future instead: ' +
      '`fn f(..) -> impl Future<Output = T> { callee(..) }`. Caveats: the `let` preamble then runs when `f` is ' +
      'called rather than at the first poll, and the returned future may only borrow what its signature ' +
      "captures (arguments, not locals of the preamble; in edition 2021 add `+ '_` or `use<..>` for borrowed " +
      'arguments). The fix is machine-applicable when the preamble and the arguments have no effects and the ' +
      'callee is an `async fn` (or an effect-free fn) of the same file, whose future is created without ' +
      'running anything; otherwise it is maybe-incorrect and `fix --write` applies it only with `--allow-eager`.',
    defaultLevel: 'warning',
    fixable: true,
  },
  check(ctx) {
    for (const item of ctx.items) {
      if (item.kind !== 'async-fn' || item.awaits !== 1 || item.awaitSites[0]?.inMacro) continue;
      const fn = ctx.nodeOf(item);
      const body = fn.childForFieldName('body');
      const tail = body && wrappedCall(body);
      if (!tail) continue;
      const lets = statements(body).length - 1;
      const header = fnHeader(fn);
      const inner = tail.text.replace(/\s*\.\s*await$/, '');
      const shown = inner.length > 50 ? `${inner.slice(0, 47)}...` : inner;
      const caveats = [
        lets > 0
          ? `${lets === 1 ? 'the `let` before it then runs' : `the ${lets} \`let\`s before it then run`} when \`${item.fnName}\` is called, not at the first poll`
          : '',
        "the returned future may only borrow what the signature captures (arguments, never locals; in edition 2021 add `+ '_` or `use<..>` when it borrows an argument)",
      ].filter(Boolean);
      const fix = rewriteSingleAwaitWrapper(fn, ctx.file, ctx.text);
      ctx.report(
        withRewrite(
          {
            node: fn,
            start: header.start,
            end: header.end,
            message: `\`async fn ${item.fnName}\` only awaits \`${shown}\``,
            help:
              `return the inner future instead of wrapping it: \`${plainSignature(fn)} -> impl Future<Output = ${returnType(fn)}> { ${lets > 0 ? '..; ' : ''}${shown} }\`; ` +
              caveats.join('; '),
            item,
          },
          fix,
        ),
      );
    }
  },
};

/** The tail `callee(..).await` when the block is only await-free `let`s before it. */
function wrappedCall(body: Node): Node | undefined {
  const stmts = statements(body);
  const tail = stmts.at(-1);
  if (tail?.type !== 'await_expression' || tail.namedChildren[0]?.type !== 'call_expression')
    return undefined;
  for (const s of stmts.slice(0, -1)) {
    if (s.type !== 'let_declaration' || s.descendantsOfType('await_expression').length > 0) return undefined;
  }
  return tail;
}
