// What makes an `async fn` a plain `fn .. -> impl Future<Output = T>` that returns the future of a call
// (single-await-wrapper) or of one call per branch (branch-wrapper): the signature edits, and every reason
// the returned future would not mean the same. In edition 2021 an `impl Trait` return captures type
// parameters but not lifetimes; one elided input lifetime can be added as `+ '_`, anything more needs
// explicit lifetimes and is left alone. The future may borrow through `&self` and reference arguments,
// never a local of the old body; a by-value argument a call does not take would be dropped when the fn
// returns instead of when the future completes (a guard held for the call, say); `return` and `?` would
// leave the fn rather than the future; an attribute macro may depend on `async`; `Self` may have the impl's
// lifetimes; and a return type reached by a coercion (`Box<dyn Trait>`) is not a future's `Output`.
import type { TextEdit } from '../model/source.ts';
import { capturesAllLifetimes, type Edition } from '../readers/cargo-edition.ts';
import type { Node } from '../readers/rust-source/parser.ts';
import {
  activeAttribute,
  controlFlowProblem,
  dropAsyncEdit,
  fixedSignature,
  futureReturnEdits,
  isComment,
  placementOf,
} from './rewrite-common.ts';
import { isMove, oneLine } from './syntax.ts';

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
      else return `the receiver \`${oneLine(p.text)}\` needs explicit lifetimes`;
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

const LITERALS = new Set([
  'integer_literal',
  'float_literal',
  'string_literal',
  'raw_string_literal',
  'char_literal',
  'boolean_literal',
]);

/** A constant's name by convention (`BUF`, `regs::CTRL`): a const or a static, never a local. */
const CONSTANT_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Z][A-Z0-9_]*$/;

/**
 * True for `&expr` that borrows no local because rustc promotes it to a `'static` constant: a literal, an
 * array or tuple of literals, a const or static by name, and `&mut []` (the empty array is the one mutable
 * borrow promoted). Embassy passes `&mut []` and `&[]` as empty buffers to calls its wrappers forward.
 */
function isPromotedConstant(r: Node): boolean {
  const mutable = r.children.some((c) => c.type === 'mutable_specifier');
  const value = r.namedChildren.filter((c) => !isComment(c) && c.type !== 'mutable_specifier').at(-1);
  if (!value) return false;
  if (value.type === 'array_expression' && value.namedChildren.filter((c) => !isComment(c)).length === 0)
    return true;
  if (mutable) return false;
  const constant = (n: Node): boolean =>
    LITERALS.has(n.type) ||
    ((n.type === 'array_expression' || n.type === 'tuple_expression') &&
      n.namedChildren.filter((c) => !isComment(c)).every(constant)) ||
    ((n.type === 'identifier' || n.type === 'scoped_identifier') &&
      CONSTANT_NAME.test(n.text.replace(/\s+/g, '')));
  return constant(value);
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

/**
 * The edits that turn `fn` into a plain fn returning `impl Future<Output = T>` whose body builds its future
 * with one of `calls` (each a `call_expression` whose `.await` the caller removes), after `preamble`; or
 * why that would change what the fn means.
 */
export function returnFutureEdits(
  fn: Node,
  file: string,
  text: string,
  edition: Edition,
  calls: Node[],
  preamble: Node[],
): { edits: TextEdit[] } | { notFixable: string } {
  const notFixable = (why: string) => ({ notFixable: why });
  if (fn.type !== 'function_item') return notFixable('only `async fn`s are rewritten');
  const fixed = fixedSignature(fn);
  if (fixed) return notFixable(fixed);
  // From edition 2024 the returned `impl Future` captures every lifetime in scope, as the async fn did; a
  // trait impl's implements the trait's, which captures them in any edition.
  const capturesAll = capturesAllLifetimes(edition) || placementOf(fn) === 'trait-impl';
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
    return notFixable(`the return type \`${oneLine(returnType)}\` may be reached only by a coercion`);
  const body = fn.childForFieldName('body');
  if (!body) return notFixable('the fn has no body');
  const problem = controlFlowProblem(body);
  if (problem) return notFixable(problem);
  // What the future may borrow: through `&self` or reference arguments only, never from locals.
  const mayBorrow = (name: string | undefined) =>
    name !== undefined && ((name === 'self' && params.borrowedSelf) || params.referenceArgs.has(name));
  for (const call of calls) {
    const fnNode = call.childForFieldName('function');
    const callee = fnNode?.type === 'generic_function' ? fnNode.childForFieldName('function') : fnNode;
    if (callee?.type === 'field_expression') {
      const recv = callee.childForFieldName('value');
      const root = recv ? rootName(recv) : undefined;
      if (!mayBorrow(root)) {
        // A value built here (`CanTx { .. }`, `Builder::new()`): whether its method's future borrows it is in
        // the method's signature, which may be in another crate. Say what decides it.
        const made = recv?.type === 'call_expression' ? recv.childForFieldName('function')?.type : undefined;
        const built =
          recv?.type === 'struct_expression' || made === 'identifier' || made === 'scoped_identifier';
        const borrows = `the future may borrow its receiver \`${oneLine(recv?.text ?? '?')}\``;
        return notFixable(
          built
            ? `${borrows}, a value built here that the new fn would drop: returning it compiles only if the method takes \`self\` by value or its future captures no borrow of it`
            : `${borrows}, which would not outlive the new fn`,
        );
      }
    } else if (callee?.type !== 'identifier' && callee?.type !== 'scoped_identifier') {
      return notFixable('the awaited callee is not a path or a method');
    }
    const args = call.childForFieldName('arguments');
    if (!args) return notFixable('unexpected call syntax');
    // A `move` closure owns what it captures (tokio's `asyncify(move || remove_file(path))`); another may
    // borrow the wrapper's locals.
    if (args.descendantsOfType('closure_expression').some((c) => !isMove(c)))
      return notFixable('a closure argument may borrow locals');
    // A non-`move` async block borrows the locals it uses, which the new fn would return a reference to.
    if (args.descendantsOfType('async_block').some((b) => !isMove(b))) {
      return notFixable('an async block argument may borrow locals');
    }
    // By-value arguments are moved into the future of an async fn and dropped when it completes; after the
    // rewrite the ones a call does not take are dropped when `f` returns.
    const passed = new Set(call.descendantsOfType(['identifier', 'self']).map((n) => n.text));
    // An argument a `let` moves into a value the call takes (`let me = Some(self); poll_fn(move |cx| me..)`)
    // goes into the future with it. Later lets first, so a chain of them is followed back.
    for (const s of [...preamble].reverse()) {
      if (s.type !== 'let_declaration') continue;
      const bound =
        s
          .childForFieldName('pattern')
          ?.descendantsOfType('identifier')
          .map((n) => n.text) ?? [];
      if (!bound.some((b) => passed.has(b))) continue;
      for (const n of s.childForFieldName('value')?.descendantsOfType(['identifier', 'self']) ?? [])
        passed.add(n.text);
    }
    if (params.ownedSelf && !passed.has('self'))
      return notFixable('`self` would be dropped before the future completes');
    const dropped = params.ownedArgs.find((a) => !passed.has(a));
    if (dropped)
      return notFixable(`the argument \`${dropped}\` would be dropped before the future completes`);
  }
  for (const r of [...calls.map((c) => c.childForFieldName('arguments')), ...preamble]
    .filter((n): n is Node => n !== null)
    .flatMap((n) => n.descendantsOfType('reference_expression'))) {
    if (isPromotedConstant(r)) continue;
    const root = rootName(r);
    if (mayBorrow(root)) continue;
    const owned =
      root !== undefined && (params.ownedArgs.includes(root) || (root === 'self' && params.ownedSelf));
    return notFixable(
      owned
        ? `the argument \`${r.text}\` borrows \`${root}\`, which the wrapper owns: the new fn would return a future borrowing its own argument`
        : `the argument \`${oneLine(r.text)}\` borrows a local of the wrapper`,
    );
  }
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
  const dropAsync = dropAsyncEdit(fn, file, text);
  const ret = futureReturnEdits(fn, file, bound);
  if (!dropAsync || !ret) return notFixable('unexpected fn syntax');
  return { edits: [dropAsync, ...ret] };
}
