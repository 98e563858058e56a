// `async fn f(x) -> T { let y = prep(x); inner(y).await }` wraps inner's state machine in a second one that
// only forwards polls. Returning the inner future removes the outer coroutine entirely.

import { capturesAllLifetimes } from '../../readers/cargo-edition.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { classifyAttributes, unknownAttributeNote } from '../attributes.ts';
import { controlFlowProblem, withRewrite } from '../rewrite-common.ts';
import type { Rule } from '../rule.ts';
import {
  fnHeader,
  isMove,
  oneLine,
  outerAttributes,
  plainSignature,
  returnType,
  statements,
  whereClause,
} from '../syntax.ts';
import { rewriteSingleAwaitWrapper } from './rewrite.ts';

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
      // An attribute macro that needs `async fn` (an embassy task, `#[tokio::test]`): nothing to rewrite.
      const attrs = classifyAttributes(outerAttributes(fn));
      if (attrs.requires) continue;
      const body = fn.childForFieldName('body');
      const tail = body && wrappedCall(fn, body);
      if (!tail) continue;
      const lets = statements(body).length - 1;
      const header = fnHeader(fn);
      // On one line: a call chain written over several lines (`self.io\n    .registration()`) is joined.
      const shown = oneLine(tail.text.replace(/\s*\.\s*await$/, ''));
      const caveats = [
        lets > 0
          ? `${lets === 1 ? 'the `let` before it then runs' : `the ${lets} \`let\`s before it then run`} when \`${item.fnName}\` is called, not at the first poll`
          : '',
        item.placement === 'trait-impl'
          ? "the returned future may only borrow arguments, never locals (a trait impl's `impl Future` captures their lifetimes in any edition)"
          : capturesAllLifetimes(ctx.edition)
            ? 'the returned future may only borrow arguments, never locals (edition 2024 captures their lifetimes)'
            : `the returned future may only borrow what the signature captures (arguments, never locals; in edition ${ctx.edition} that needs \`+ '_\` for one borrowed argument, named lifetimes or \`use<..>\` for more)`,
      ].filter(Boolean);
      if (attrs.unknown) caveats.push(unknownAttributeNote(attrs.unknown));
      const fix = attrs.unknown ? undefined : rewriteSingleAwaitWrapper(fn, ctx.file, ctx.text, ctx.edition);
      // Up to edition 2021 a future that borrows `&self` or one reference argument needs `+ '_`.
      const bound =
        !capturesAllLifetimes(ctx.edition) &&
        item.placement !== 'trait-impl' &&
        /&/.test(fn.childForFieldName('parameters')?.text ?? '')
          ? " + '_"
          : '';
      ctx.report(
        withRewrite(
          {
            node: fn,
            start: header.start,
            end: header.end,
            message: `\`async fn ${item.fnName}\` only awaits \`${shown}\``,
            help: `${advice(fn, body, lets, shown, bound)}; ${caveats.join('; ')}`,
            item,
            ...(attrs.unknown
              ? { noFix: `the attribute macro \`#[${attrs.unknown}]\` may need \`async fn\`` }
              : {}),
          },
          fix,
        ),
      );
    }
  },
};

/**
 * What to write instead. A body that can leave before its await (`?`, `return`) cannot simply hand back
 * the inner future: `build()?.send()` in a plain fn is E0277. Its early exits need a ready future of
 * their own, which an `Either` of the two joins.
 */
function advice(fn: Node, body: Node, lets: number, shown: string, bound: string): string {
  const signature = `${plainSignature(fn)} -> impl Future<Output = ${returnType(fn)}>${bound}${whereClause(fn)}`;
  const early = controlFlowProblem(body);
  if (early)
    return (
      `return the inner future instead of wrapping it, and a ready future where the body leaves early ` +
      `(${early}): \`${signature}\` returning \`futures::future::Either::Left(..)\` of the awaited call's ` +
      `future, and \`Either::Right(core::future::ready(..))\` where it leaves before the await`
    );
  return `return the inner future instead of wrapping it: \`${signature} { ${lets > 0 ? '..; ' : ''}${shown} }\``;
}

/**
 * The tail `.await` when the block is only await-free `let`s before it: `callee(..).await`, `fut.await`,
 * or, in a fn returning `()`, the statement `callee(..).await;`. Not a wrapper when a `let` binds something
 * the awaited expression does not take (an RAII guard such as `let _guard = lock.lock();` is held across
 * the await: without the state machine it would be dropped before the work runs), or when it borrows a
 * `let` (the local must outlive the await: E0716/E0515 if the future were returned).
 */
function wrappedCall(fn: Node, body: Node): Node | undefined {
  const stmts = statements(body);
  let tail = stmts.at(-1);
  if (tail?.type === 'expression_statement') {
    const returnsUnit = ['', '()'].includes(
      (fn.childForFieldName('return_type')?.text ?? '').replace(/\s+/g, ''),
    );
    tail = returnsUnit ? tail.namedChildren[0] : undefined;
  }
  const awaited = tail?.type === 'await_expression' ? tail.namedChildren[0] : undefined;
  if (!tail || !awaited || !AWAITABLE.has(awaited.type)) return undefined;
  const used = new Set(awaited.descendantsOfType(['identifier', 'self']).map((n) => n.text));
  if (awaited.type === 'identifier') used.add(awaited.text);
  const borrowed = new Set(
    awaited.descendantsOfType('reference_expression').map((r) => r.namedChildren.at(-1)?.text),
  );
  // A closure that is not `move` borrows the locals whose methods or fields it uses
  // (`poll_fn(|cx| fut.as_mut().poll(cx))`); one it passes by value (`asyncify(|| copy(from, to))`) it moves.
  for (const c of awaited.descendantsOfType('closure_expression'))
    if (!isMove(c))
      for (const f of c.descendantsOfType('field_expression')) {
        const v = f.childForFieldName('value');
        if (v?.type === 'identifier') borrowed.add(v.text);
      }
  for (const s of stmts.slice(0, -1)) {
    if (s.type !== 'let_declaration' || s.descendantsOfType('await_expression').length > 0) return undefined;
    const pattern = s.childForFieldName('pattern');
    // A value the awaited expression does not take is dropped when the wrapper returns: a guard only if it
    // was built by a call, a macro or a struct literal (`let _reg = 0x00u8;` guards nothing).
    const value = s.childForFieldName('value');
    const built =
      value !== null &&
      (GUARD_BUILDERS.has(value.type) || value.descendantsOfType([...GUARD_BUILDERS]).length > 0);
    // `pin!(..)` pins its value in the wrapper's own frame: what it binds is a borrow of a local.
    const pinned =
      value?.type === 'macro_invocation' &&
      /^(?:(?:::)?(?:core|std)::pin::)?pin$/.test(
        value.childForFieldName('macro')?.text.replace(/\s+/g, '') ?? '',
      );
    for (const name of pattern?.descendantsOfType('identifier').map((n) => n.text) ?? []) {
      if (borrowed.has(name) || (pinned && used.has(name)) || (!used.has(name) && built)) return undefined;
    }
  }
  return tail;
}

/** Expressions that can make a value with a meaningful drop (a lock guard, an `OnDrop`). */
const GUARD_BUILDERS = new Set(['call_expression', 'macro_invocation', 'struct_expression']);

/** What a wrapper may await: a call (`inner(x)`, `self.pin.wait()`), a future it holds, or a field. */
const AWAITABLE = new Set(['call_expression', 'identifier', 'field_expression']);
