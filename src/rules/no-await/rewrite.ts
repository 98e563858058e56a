// Rewrite for `no-await` (the variant that keeps the signature callers see): `async fn f(..) -> T { body }`
// becomes `fn f(..) -> impl Future<Output = T> { stmts; ready(tail) }`. No coroutine is generated; the body
// runs when `f` is called instead of at the first poll. That is machine-applicable when the body has no
// effects (effects.ts decides, conservatively), and maybe-incorrect otherwise, with a caveat naming the first
// effect that moves: `*m.lock().unwrap()` would take the lock at the call. The returned `Ready<T>` holds only
// the output, so no argument lifetime needs capturing. The variant that drops `async` altogether and updates
// the callers needs the whole crate: see no-await-callers.ts.
import type { TextEdit } from '../../model/source.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { bodyEffect } from '../effects.ts';
import {
  activeAttribute,
  controlFlowProblem,
  dropAsyncEdit,
  eagerCaveat,
  fixedSignature,
  futureReturnEdits,
  notFixable,
  READY_PATH,
  type RewriteResult,
} from '../rewrite-common.ts';

/**
 * Wraps the tail expression in `ready(..)`, as a person would write it; the statements before it run
 * eagerly either way. A body without a tail expression (returning `()` through a `;`) is wrapped whole.
 */
function readyEdits(body: Node, file: string): TextEdit[] {
  const children = body.namedChildren.filter((c): c is Node => c !== null && !c.type.endsWith('comment'));
  const last = children.at(-1);
  const isTail =
    last !== undefined &&
    !last.type.endsWith('_declaration') &&
    !last.type.endsWith('_item') &&
    !(last.type === 'expression_statement' && last.text.trimEnd().endsWith(';'));
  if (isTail) {
    return [
      { file, start: last.startIndex, end: last.startIndex, text: `${READY_PATH}(` },
      { file, start: last.endIndex, end: last.endIndex, text: ')' },
    ];
  }
  return [
    { file, start: body.startIndex, end: body.startIndex, text: `{ ${READY_PATH}(` },
    { file, start: body.endIndex, end: body.endIndex, text: ') }' },
  ];
}

export function rewriteNoAwaitReady(fn: Node, file: string, text: string): RewriteResult {
  if (fn.type !== 'function_item') return notFixable('only `async fn`s are rewritten');
  const fixed = fixedSignature(fn);
  if (fixed) return notFixable(fixed);
  const attr = activeAttribute(fn);
  if (attr) return notFixable(`the attribute \`#[${attr}]\` may depend on \`async\``);
  const body = fn.childForFieldName('body');
  if (!body) return notFixable('the fn has no body');
  const problem = controlFlowProblem(body);
  if (problem) return notFixable(problem);
  const dropAsync = dropAsyncEdit(fn, file, text);
  const ret = futureReturnEdits(fn, file);
  if (!dropAsync || !ret) return notFixable('unexpected fn syntax');
  const effect = bodyEffect(fn);
  const name = fn.childForFieldName('name')?.text ?? '?';
  return {
    fix: {
      description: 'return a ready future instead of a coroutine',
      ...(effect
        ? { applicability: 'maybe-incorrect', caveat: eagerCaveat('its body', name, effect) }
        : { applicability: 'machine-applicable' }),
      edits: [dropAsync, ...ret, ...readyEdits(body, file)],
    },
  };
}
