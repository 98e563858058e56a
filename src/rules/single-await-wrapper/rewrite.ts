// Rewrite for `single-await-wrapper`: `async fn f(x: A) -> T { let y = prep(x); inner(y).await }` becomes
// `fn f(x: A) -> impl Future<Output = T> { let y = prep(x); inner(y) }`, dropping the outer state machine.
// The preamble, the call's arguments and the call itself then run when `f` is called instead of at the first
// poll (`inner`'s own body still runs when polled if it is an `async fn`). The fix is machine-applicable when
// none of that has effects: the preamble and arguments are effect-free and the callee is known to create its
// future without effects, which only an `async fn` (or an effect-free plain fn) of the same file is
// (effects.ts; `tokio::time::sleep(d)` may read the clock when called, so it is maybe-incorrect, with a
// caveat saying what moves). Everything else must stay the same, so the rewrite refuses when:
//  - the returned future could borrow something the new signature does not capture. In edition 2021 an
//    `impl Trait` return captures type parameters but not lifetimes; one elided input lifetime can be added
//    as `+ '_`, anything more needs explicit lifetimes and is left alone;
//  - it would borrow a local of the wrapper (`inner(&y)`, `local.method()`);
//  - a by-value argument not passed on would be dropped when `f` returns instead of when the future
//    completes (a guard held for the duration of the call, say);
//  - `return` / `?` would leave `f` rather than the future, or an attribute macro may depend on `async`.
//  - `self` or `Self` stands for a type with the impl's lifetimes (`impl<'a> Name<'a>`), which an edition
//    2021 `impl Trait` does not capture;
//  - the declared return type is reached by a coercion at the `return` (`Box<dyn Trait>` from a
//    `Box<Concrete>`, `&str` from a `&String`), which a future's `Output` does not get.
// What syntax cannot show (an awaited value that is only `IntoFuture`, lifetimes behind a type alias) is
// caught by `cargo check`: `fix` checks its plan on a copy and leaves out rewrites that do not compile.
import type { TextEdit } from '../../model/source.ts';
import { capturesAllLifetimes, type Edition } from '../../readers/cargo-edition.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { forwardEffect } from '../effects.ts';
import {
  activeAttribute,
  controlFlowProblem,
  dropAsyncEdit,
  eagerCaveat,
  futureReturnEdits,
  hasCommentIn,
  isComment,
  notFixable,
  placementOf,
  type RewriteResult,
} from '../rewrite-common.ts';
import { statements } from '../syntax.ts';

/** Primitive types have no drop glue: when such an argument is dropped does not matter. */
const PRIMITIVES = /^(u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|bool|char|\(\))$/;

interface Params {
  /** `&self` / `&mut self`. */
  borrowedSelf: boolean;
  /** `self` / `mut self` by value. */
  ownedSelf: boolean;
  /** Elided references in argument types. */
  references: number;
  /** Names of arguments whose type is a reference (borrowing through them is fine). */
  referenceArgs: Set<string>;
  /** Names of by-value arguments that may have drop glue. */
  ownedArgs: string[];
  /** `impl Trait` in argument position: an anonymous type parameter. */
  implArgs: boolean;
}

function readParams(fn: Node, capturesAll: boolean): Params | string {
  const out: Params = {
    borrowedSelf: false,
    ownedSelf: false,
    references: 0,
    referenceArgs: new Set(),
    ownedArgs: [],
    implArgs: false,
  };
  const list = fn.childForFieldName('parameters');
  if (!list) return 'unexpected fn syntax';
  for (const p of list.namedChildren) {
    if (isComment(p) || p.type === 'attribute_item') continue;
    if (p.type === 'self_parameter') {
      const t = p.text.replace(/\s+/g, '');
      if (t === '&self' || t === '&mutself') out.borrowedSelf = true;
      else if (t === 'self' || t === 'mutself') out.ownedSelf = true;
      else return `the receiver \`${p.text}\` needs explicit lifetimes`;
      continue;
    }
    if (p.type !== 'parameter') return `unsupported parameter \`${p.text}\``;
    const type = p.childForFieldName('type');
    let pattern = p.childForFieldName('pattern');
    if (!type || !pattern) return `unsupported parameter \`${p.text}\``;
    if (type.text.includes("'") && !capturesAll)
      return `the argument type \`${type.text}\` has an explicit lifetime`;
    if (pattern.type === 'mut_pattern')
      pattern = pattern.namedChildren.find((c) => c.type === 'identifier') ?? pattern;
    if (pattern.type !== 'identifier')
      return `the argument pattern \`${pattern.text}\` would be dropped early`;
    const refs =
      type.descendantsOfType('reference_type').filter((n) => n.id !== type.id).length +
      (type.type === 'reference_type' ? 1 : 0);
    out.references += refs;
    if (type.descendantsOfType('abstract_type').length > 0 || type.type === 'abstract_type')
      out.implArgs = true;
    if (type.type === 'reference_type') out.referenceArgs.add(pattern.text);
    else if (!PRIMITIVES.test(type.text.replace(/\s+/g, ''))) out.ownedArgs.push(pattern.text);
  }
  return out;
}

/** The variable an expression starts from: `self.a.b` -> `self`, `(*x).y` -> `x`; undefined for anything else. */
function rootName(e: Node): string | undefined {
  let n: Node | undefined = e;
  while (n) {
    if (n.type === 'identifier' || n.type === 'self') return n.text;
    if (n.type === 'field_expression') n = n.childForFieldName('value') ?? undefined;
    else if (
      n.type === 'parenthesized_expression' ||
      n.type === 'unary_expression' ||
      n.type === 'reference_expression'
    ) {
      n = n.namedChildren.filter((c) => !isComment(c) && c.type !== 'mutable_specifier').at(-1);
    } else return undefined;
  }
  return undefined;
}

/** Lifetimes other than 'static that the impl around `fn` declares or its self type uses (`'_`). */
function implLifetimes(fn: Node): boolean {
  let p = fn.parent;
  while (p && p.type !== 'impl_item' && p.type !== 'function_item') p = p.parent;
  if (p?.type !== 'impl_item') return false;
  const text = `${p.childForFieldName('type_parameters')?.text ?? ''} ${p.childForFieldName('type')?.text ?? ''}`;
  return /'(?!static\b)\w+/.test(text);
}

/** A return type an `async fn` body can reach by coercion only: trait objects and unsized slices or strs. */
const COERCED_RETURN = /\bdyn\b|\[[^;\]]*\]|\bstr\b/;

export function rewriteSingleAwaitWrapper(
  fn: Node,
  file: string,
  text: string,
  edition: Edition = '2021',
): RewriteResult {
  // From edition 2024 the returned `impl Future` captures every lifetime in scope, as the async fn did.
  const capturesAll = capturesAllLifetimes(edition);
  if (fn.type !== 'function_item') return notFixable('only `async fn`s are rewritten');
  if (placementOf(fn) === 'trait') return notFixable('the signature is declared by a trait');
  const attr = activeAttribute(fn);
  if (attr) return notFixable(`the attribute \`#[${attr}]\` may depend on \`async\``);
  const generics = fn.childForFieldName('type_parameters');
  if (generics?.text.includes("'") && !capturesAll)
    return notFixable('the fn has lifetime parameters; capturing them needs `use<..>`');
  const params = readParams(fn, capturesAll);
  if (typeof params === 'string') return notFixable(params);
  const selfTyped =
    params.borrowedSelf ||
    params.ownedSelf ||
    /\bSelf\b/.test(fn.childForFieldName('parameters')?.text ?? '');
  if (selfTyped && implLifetimes(fn) && !capturesAll)
    return notFixable("`Self` has the impl's lifetimes, which `impl Future` would not capture");
  const returnType = fn.childForFieldName('return_type')?.text ?? '';
  if (COERCED_RETURN.test(returnType))
    return notFixable(`the return type \`${returnType}\` may be reached only by a coercion`);
  const body = fn.childForFieldName('body');
  if (!body) return notFixable('the fn has no body');
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

  // What the future may borrow: through `&self` or reference arguments only, never from locals.
  const mayBorrow = (name: string | undefined) =>
    name !== undefined && ((name === 'self' && params.borrowedSelf) || params.referenceArgs.has(name));
  const fnNode = call.childForFieldName('function');
  const callee = fnNode?.type === 'generic_function' ? fnNode.childForFieldName('function') : fnNode;
  if (callee?.type === 'field_expression') {
    const recv = callee.childForFieldName('value');
    const root = recv ? rootName(recv) : undefined;
    if (!mayBorrow(root)) {
      return notFixable(
        `the future may borrow its receiver \`${recv?.text ?? '?'}\`, which would not outlive the new fn`,
      );
    }
  } else if (callee?.type !== 'identifier' && callee?.type !== 'scoped_identifier') {
    return notFixable('the awaited callee is not a path or a method');
  }
  const args = call.childForFieldName('arguments');
  if (!args) return notFixable('unexpected call syntax');
  if (args.descendantsOfType('closure_expression').length > 0)
    return notFixable('a closure argument may borrow locals');
  // A non-`move` async block borrows the locals it uses, which the new fn would return a reference to.
  if (args.descendantsOfType('async_block').some((b) => !b.children.some((c) => c.type === 'move'))) {
    return notFixable('an async block argument may borrow locals');
  }
  const preamble = stmts.slice(0, -1);
  for (const r of [args, ...preamble].flatMap((n) => n.descendantsOfType('reference_expression'))) {
    const root = rootName(r);
    if (mayBorrow(root)) continue;
    const owned =
      root !== undefined && (params.ownedArgs.includes(root) || (root === 'self' && params.ownedSelf));
    return notFixable(
      owned
        ? `the argument \`${r.text}\` borrows \`${root}\`, which the wrapper owns: the new fn would return a future borrowing its own argument`
        : `the argument \`${r.text}\` borrows a local of the wrapper`,
    );
  }
  // By-value arguments are moved into the future of an async fn and dropped when it completes; after the
  // rewrite the ones not passed on are dropped when `f` returns.
  const passed = new Set(call.descendantsOfType(['identifier', 'self']).map((n) => n.text));
  if (params.ownedSelf && !passed.has('self'))
    return notFixable('`self` would be dropped before the future completes');
  const dropped = params.ownedArgs.find((a) => !passed.has(a));
  if (dropped) return notFixable(`the argument \`${dropped}\` would be dropped before the future completes`);

  const sources = capturesAll ? 0 : (params.borrowedSelf ? 1 : 0) + params.references;
  let bound = '';
  if (sources === 1) {
    // `+ '_` names the one elided input lifetime; type parameters would then have to outlive it too.
    if (generics || fn.childForFieldName('where_clause') || params.implArgs) {
      return notFixable('the future borrows an argument and the fn is generic; the capture needs `use<..>`');
    }
    bound = " + '_";
  } else if (sources > 1) {
    return notFixable(
      'the future may borrow from several arguments; capturing them needs explicit lifetimes',
    );
  }

  if (hasCommentIn(last!, call.endIndex, last!.endIndex))
    return notFixable('a comment inside `.await` would be lost');
  const dropAsync = dropAsyncEdit(fn, file, text);
  const ret = futureReturnEdits(fn, file, bound);
  if (!dropAsync || !ret) return notFixable('unexpected fn syntax');
  const edits: TextEdit[] = [
    dropAsync,
    ...ret,
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
