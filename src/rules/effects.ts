// Whether a rewrite is machine-applicable: the `no-await` and `single-await-wrapper` rewrites make code that
// an `async fn` ran at its first poll run when the fn is called. That changes nothing only when the code
// moved has no effects, which this decides from the syntax alone, conservatively:
//  - effect-free: literals, paths, reads of arguments, locals and fields, references (`&x`), comparison,
//    logic and bitwise operators, casts, ranges, tuples, arrays, struct literals, tuple-struct and enum
//    constructors (a call of a path whose last segment starts with an upper-case letter: `Some(x)`,
//    `Frame(a, b)`, since rustc lints fns named like that), `core::future::ready(..)`, and `if`/`match`/blocks
//    made of these. A dereference `*r` counts only for an argument of reference type (a built-in deref).
//    Operator overloading with side effects is not counted.
//  - arithmetic is an effect unless all its operands are literals: `/` and `%` panic on zero, `+ - * << >>`
//    and unary `-` on overflow in debug builds, and a future created but never polled must not panic where
//    the async fn did not (a test that drops `div(1, 0)` unpolled passes before the rewrite).
//  - an effect: every other call or method call, a macro, `?`, indexing (it can panic), another dereference,
//    `.await`, an `unsafe` block, an assignment, a loop, a closure; and dropping a value that may have drop
//    glue (a by-value argument that is not a primitive or reference, or a value built in the moved code)
//    unless it is moved whole into the result (into the returned value, or into the forwarded call), because
//    the async fn dropped it when its body finished and the plain fn drops it when it returns.
//  - calling a fn of the same file whose future is created without effects: an `async fn` (calling one only
//    stores its arguments in the new future), or a plain fn whose own body is effect-free by these rules.
//    A name is resolved in the file only: a free fn of the caller's module, `Self::f` / `Type::f`, or a
//    method called on `self` or on an argument of a named type, among the methods of that type's impls in the
//    file (every candidate must qualify). Anything declared in another file or crate (`tokio::time::sleep`)
//    is unknown, and an unknown callee is an effect: creating its future may already do something.
import type { Node, Tree } from '../readers/rust-source/parser.ts';
import { isComment } from './rewrite-common.ts';
import { isMove } from './syntax.ts';

/** Types without drop glue whose moves and copies need no tracking. */
const PRIMITIVE =
  /^(?:u8|u16|u32|u64|u128|usize|i8|i16|i32|i64|i128|isize|f32|f64|bool|char|\(\)|!|&.*|\*(?:const|mut)\b.*)$/;

/** Operators that can panic: division by zero, and overflow in debug builds. */
const MAY_PANIC = new Set(['/', '%', '+', '-', '*', '<<', '>>']);
const LITERAL = new Set(['integer_literal', 'float_literal']);

/** `::core::future::ready`, `std::future::ready` (written out; a bare `ready` could be anything). */
const READY = /^(?:::)?(?:core|std)::future::ready$/;

const LEAVES = new Set([
  'identifier',
  'self',
  'scoped_identifier',
  'integer_literal',
  'float_literal',
  'boolean_literal',
  'char_literal',
  'string_literal',
  'raw_string_literal',
  'negative_literal',
  'unit_expression',
]);

const short = (n: Node) => {
  const t = n.text.replace(/\s+/g, ' ');
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
};

interface Context {
  /** The fn whose code is checked (callee resolution and `Self` start from it). */
  fn: Node;
  /** Names bound to references: reading through them is a built-in dereference. */
  refs: Set<string>;
  /** Fns being checked further up, to stop on recursion. */
  visiting: Set<number>;
  /** How deep the walk is in nested expressions (input-controlled: bounded by MAX_DEPTH). */
  depth?: number;
}

/**
 * Expressions nested deeper than this are not walked: an effect is assumed (the rewrite is then at most
 * maybe-incorrect). Real code nests a few dozen levels; a generated 100 KB expression would overflow the stack.
 */
const MAX_DEPTH = 400;

/** The first thing in `node` whose evaluation may have an effect, as a noun phrase; undefined when none. */
function firstEffect(node: Node, ctx: Context): string | undefined {
  const depth = ctx.depth ?? 0;
  if (depth > MAX_DEPTH) return `an expression nested more than ${MAX_DEPTH} levels deep (not analysed)`;
  ctx.depth = depth + 1;
  try {
    return effectOf(node, ctx);
  } finally {
    ctx.depth = depth;
  }
}

function effectOf(node: Node, ctx: Context): string | undefined {
  if (isComment(node) || LEAVES.has(node.type)) return undefined;
  const all = (nodes: (Node | null | undefined)[]) => {
    for (const n of nodes) {
      const e = n ? firstEffect(n, ctx) : undefined;
      if (e) return e;
    }
    return undefined;
  };
  const named = node.namedChildren.filter((c): c is Node => c !== null);
  switch (node.type) {
    case 'field_expression':
      return all([node.childForFieldName('value')]);
    case 'reference_expression':
      return all([node.childForFieldName('value')]);
    case 'binary_expression': {
      const op = node.childForFieldName('operator')?.text ?? '';
      if (MAY_PANIC.has(op) && !named.every((n) => LITERAL.has(n.type)))
        return (
          all(named) ??
          `the arithmetic \`${short(node)}\` (${op === '/' || op === '%' ? 'panics on zero' : 'panics on overflow in debug builds'})`
        );
      return all(named);
    }
    case 'parenthesized_expression':
    case 'tuple_expression':
    case 'array_expression':
    case 'range_expression':
    case 'let_chain':
    case 'else_clause':
      return all(named);
    case 'type_cast_expression':
      return all([node.childForFieldName('value')]);
    case 'unary_expression': {
      const operand = named[0];
      if (node.children[0]?.text === '-' && operand && !LITERAL.has(operand.type))
        return all([operand]) ?? `the negation \`${short(node)}\` (panics on overflow in debug builds)`;
      if (node.children[0]?.text !== '*') return all([operand]);
      if (operand && (operand.type === 'identifier' || operand.type === 'self') && ctx.refs.has(operand.text))
        return undefined;
      return all([operand]) ?? `the dereference \`${short(node)}\``;
    }
    case 'struct_expression': {
      const body = node.childForFieldName('body');
      return all(
        (body?.namedChildren ?? []).map((f) =>
          f?.type === 'field_initializer' ? f.childForFieldName('value') : f,
        ),
      );
    }
    case 'shorthand_field_initializer':
    case 'base_field_initializer':
      return all(named);
    case 'call_expression':
      return callEffect(node, ctx);
    case 'if_expression':
      return all([
        node.childForFieldName('condition'),
        node.childForFieldName('consequence'),
        node.childForFieldName('alternative'),
      ]);
    case 'let_condition':
      return all([node.childForFieldName('value')]);
    case 'match_expression': {
      const arms = node.childForFieldName('body')?.namedChildren.filter((a) => a?.type === 'match_arm') ?? [];
      return all([
        node.childForFieldName('value'),
        ...arms.flatMap((a) => [
          a!.childForFieldName('pattern')?.childForFieldName('condition'),
          a!.childForFieldName('value'),
        ]),
      ]);
    }
    case 'block':
      // Locals of an inner block that own something are dropped at its end: an effect like any drop.
      return blockEffectWithin(node, ctx);
    case 'macro_invocation':
      return `the macro \`${node.childForFieldName('macro')?.text ?? '?'}!\``;
    case 'try_expression':
      return `the \`?\` of \`${short(node)}\``;
    case 'index_expression':
      return `the indexing \`${short(node)}\``;
    case 'await_expression':
      return `the \`.await\` of \`${short(node)}\``;
    case 'unsafe_block':
      return 'an `unsafe` block';
    case 'closure_expression':
    case 'async_block':
      // Defining a closure or an async block runs none of its body (what it captures by `move` is moved,
      // not run); the effect, if any, is the call that receives it.
      return undefined;
    default:
      return `\`${short(node)}\``;
  }
}

/** A call's receiver and arguments, then the call itself: a constructor or an effect-free fn of this file. */
function callEffect(call: Node, ctx: Context): string | undefined {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  const receiver = fn?.type === 'field_expression' ? fn.childForFieldName('value') : null;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  for (const n of [receiver, ...args]) {
    const e = n ? firstEffect(n, ctx) : undefined;
    if (e) return e;
  }
  if (fn && isConstructor(fn)) return undefined;
  if (createsWithoutEffects(call, ctx)) return undefined;
  return receiver ? `the method call \`${callText(call)}\`` : `the call \`${callText(call)}\``;
}

/** A call as a caveat names it: whole when short, else its callee with `(..)`, never cut mid-expression. */
function callText(call: Node): string {
  const whole = call.text.replace(/\s*\n\s*/g, '').replace(/\s+/g, ' ');
  if (whole.length <= 40) return whole;
  const callee = (call.childForFieldName('function')?.text ?? '?')
    .replace(/\s*\n\s*/g, '')
    .replace(/\s+/g, ' ');
  return `${callee}(..)`;
}

/** `Some`, `Frame`, `Self`, `Msg::Data`, `::core::future::ready`: builds a value and runs nothing else. */
function isConstructor(fn: Node): boolean {
  if (fn.type !== 'identifier' && fn.type !== 'scoped_identifier') return false;
  const text = fn.text.replace(/\s+/g, '');
  return READY.test(text) || /^[A-Z]/.test(text.split('::').at(-1) ?? '');
}

// ---------------------------------------------------------------------------------------------------------
// Blocks and drops.

/** Identifiers moved whole by evaluating `e`: the value itself, or parts of a tuple, array, struct or constructor. */
function movedWhole(e: Node | null | undefined, out: Set<string>): Set<string> {
  if (!e) return out;
  switch (e.type) {
    case 'identifier':
    case 'self':
      out.add(e.text);
      break;
    case 'parenthesized_expression':
    case 'tuple_expression':
    case 'arguments':
      for (const c of e.namedChildren) movedWhole(c, out);
      break;
    case 'array_expression':
      if (!e.childForFieldName('length')) for (const c of e.namedChildren) movedWhole(c, out);
      break;
    case 'struct_expression':
      for (const f of e.childForFieldName('body')?.namedChildren ?? []) {
        if (f?.type === 'shorthand_field_initializer') movedWhole(f.namedChildren[0], out);
        else if (f?.type === 'field_initializer') movedWhole(f.childForFieldName('value'), out);
      }
      break;
    case 'call_expression': {
      const fn = e.childForFieldName('function');
      if (fn && isConstructor(fn)) movedWhole(e.childForFieldName('arguments'), out);
      break;
    }
    case 'closure_expression':
      // A `move` closure takes what it names into itself: those values go into the future with it.
      if (isMove(e))
        for (const n of e.childForFieldName('body')?.descendantsOfType(['identifier', 'self']) ?? [])
          out.add(n.text);
      break;
  }
  return out;
}

/** Whether `e`'s value may own something with drop glue: it builds a value or uses an owned name. */
function mayOwn(e: Node, owned: ReadonlySet<string>): boolean {
  if (e.descendantsOfType('struct_expression').length > 0 || e.type === 'struct_expression') return true;
  const calls = e.type === 'call_expression' ? [e] : e.descendantsOfType('call_expression');
  if (calls.length > 0) return true; // only constructors get this far
  const ids =
    e.type === 'identifier' || e.type === 'self' ? [e] : e.descendantsOfType(['identifier', 'self']);
  return ids.some((i) => owned.has(i.text));
}

function patternNames(p: Node): string[] {
  if (p.type === 'identifier') return [p.text];
  return p.descendantsOfType('identifier').map((i) => i.text);
}

const dropping = (name: string, args: ReadonlySet<string>) =>
  args.has(name) ? `dropping the argument \`${name}\`` : `dropping \`${name}\``;

interface BlockResult {
  effect?: string;
  /** The block's tail expression, if it has one. */
  tail?: Node;
}

/** The block's value expression: the last expression, with or without an `expression_statement` around it. */
function tailOf(stmts: readonly Node[]): { tail?: Node; last?: Node } {
  const last = stmts.at(-1);
  if (!last) return {};
  if (last.type === 'expression_statement') {
    if (last.children.some((c) => c.type === ';')) return {};
    const inner = last.namedChildren.find((c) => c !== null && !isComment(c));
    return inner ? { tail: inner, last } : {};
  }
  if (last.type.endsWith('_declaration') || last.type.endsWith('_item') || STATEMENTS.has(last.type))
    return {};
  return { tail: last, last };
}

const STATEMENTS = new Set(['empty_statement', 'attribute_item', 'inner_attribute_item', 'use_declaration']);

/**
 * One statement of moved code: a `let` value or an expression statement must be effect-free. A `let` whose
 * value may own something binds a name that must be moved on later (added to `owned`; the caller checks);
 * an expression statement that may own something drops it at once. `args` names the by-value arguments.
 */
function statementEffect(
  s: Node,
  ctx: Context,
  owned: Set<string>,
  args: ReadonlySet<string>,
): string | undefined {
  if (s.type === 'let_declaration') {
    const value = s.childForFieldName('value');
    const e = value ? firstEffect(value, ctx) : undefined;
    if (e) return e;
    if (s.childForFieldName('alternative')) return `the \`else\` of \`${short(s)}\``;
    const pattern = s.childForFieldName('pattern');
    const names = pattern ? patternNames(pattern) : [];
    const shadowed = names.find((n) => owned.has(n));
    if (shadowed) return dropping(shadowed, args);
    if (value && mayOwn(value, owned)) {
      if (pattern?.type !== 'identifier') return `dropping the value bound by \`${short(s)}\``;
      for (const id of movedWhole(value, new Set())) owned.delete(id);
      owned.add(pattern.text);
    }
    return undefined;
  }
  if (s.type === 'expression_statement') {
    const expr = s.namedChildren.find((c) => c !== null && !isComment(c));
    if (!expr) return undefined;
    const e = firstEffect(expr, ctx);
    if (e) return e;
    return mayOwn(expr, owned) ? `dropping the value of \`${short(expr)}\`` : undefined;
  }
  // Declarations run nothing.
  if (s.type.endsWith('_item') || STATEMENTS.has(s.type) || isComment(s)) return undefined;
  return `\`${short(s)}\``;
}

/** A block's statements (see statementEffect), then its tail expression. */
function blockEffect(
  block: Node,
  ctx: Context,
  owned: Set<string>,
  args: ReadonlySet<string> = new Set(),
): BlockResult {
  const stmts = block.namedChildren.filter((c): c is Node => c !== null && !isComment(c));
  const { tail, last } = tailOf(stmts);
  for (const s of stmts) {
    if (s === last) break;
    const effect = statementEffect(s, ctx, owned, args);
    if (effect) return { effect };
  }
  if (tail) {
    const effect = firstEffect(tail, ctx);
    if (effect) return { effect };
    return { tail };
  }
  return {};
}

/** An inner block (an `if` branch, a match arm): what it binds must be moved into its value. */
function blockEffectWithin(block: Node, ctx: Context): string | undefined {
  const owned = new Set<string>();
  const r = blockEffect(block, ctx, owned);
  if (r.effect) return r.effect;
  const moved = movedWhole(r.tail, new Set());
  const left = [...owned].find((n) => !moved.has(n));
  return left ? dropping(left, new Set()) : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parameters.

interface Params {
  refs: Set<string>;
  /** By-value arguments whose type may have drop glue. */
  owned: Set<string>;
  /** Why the arguments make any move of the fn's code an effect (an owned argument we cannot name). */
  problem?: string;
}

function readParams(fn: Node): Params {
  const out: Params = { refs: new Set(), owned: new Set() };
  for (const p of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || isComment(p) || p.type === 'attribute_item') continue;
    if (p.type === 'self_parameter') {
      if (p.children.some((c) => c.type === '&')) out.refs.add('self');
      else out.owned.add('self');
      continue;
    }
    if (p.type !== 'parameter') {
      out.problem ??= `the argument \`${short(p)}\``;
      continue;
    }
    const type = p.childForFieldName('type');
    let pattern = p.childForFieldName('pattern');
    if (pattern?.type === 'mut_pattern')
      pattern = pattern.namedChildren.find((c) => c?.type === 'identifier') ?? pattern;
    const copyable =
      type !== null &&
      (type.type === 'reference_type' ||
        type.type === 'pointer_type' ||
        type.type === 'function_type' ||
        PRIMITIVE.test(type.text.replace(/\s+/g, '')));
    if (pattern?.type === 'identifier') {
      if (type?.type === 'reference_type') out.refs.add(pattern.text);
      if (!copyable) out.owned.add(pattern.text);
    } else if (!copyable) {
      out.problem ??= `dropping the argument \`${short(p)}\``;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Callee resolution within the file.

const hasAsync = (fn: Node) =>
  fn.namedChildren.some(
    (c) => c?.type === 'function_modifiers' && c.children.some((k) => k.type === 'async'),
  );

/** The module the fn is declared in: the source file or a `mod { .. }`'s declaration list. */
function moduleOf(n: Node): Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'source_file') return p;
    if (p.type === 'declaration_list' && p.parent?.type === 'mod_item') return p;
  }
  return undefined;
}

function baseTypeName(t: Node | null | undefined): string | undefined {
  if (!t) return undefined;
  if (t.type === 'type_identifier') return t.text;
  if (t.type === 'reference_type' || t.type === 'generic_type')
    return baseTypeName(t.childForFieldName('type'));
  if (t.type === 'scoped_type_identifier') return t.childForFieldName('name')?.text;
  return undefined;
}

function enclosingImplType(fn: Node): string | undefined {
  const impl = fn.parent?.type === 'declaration_list' ? fn.parent.parent : null;
  return impl?.type === 'impl_item' ? baseTypeName(impl.childForFieldName('type')) : undefined;
}

const fnName = (fn: Node | null) => fn?.childForFieldName('name')?.text;

/**
 * What callees are looked up among, built once per parsed file: looking them up by walking the file (or
 * the module, or the calling fn) for every call was quadratic in the file's size.
 */
interface CalleeIndex {
  /** Fns of every impl, by `Type\0name`, in source order. */
  methods: Map<string, Node[]>;
  /** Per module (node id), its fns by name. */
  moduleFns: Map<number, Map<string, Node[]>>;
  /** Per calling fn (node id), the identifiers it uses other than as a call's callee. */
  bindings: Map<number, Set<string>>;
}

const calleeIndexes = new WeakMap<Tree, CalleeIndex>();

function calleeIndex(root: Node): CalleeIndex {
  let index = calleeIndexes.get(root.tree);
  if (index) return index;
  index = { methods: new Map(), moduleFns: new Map(), bindings: new Map() };
  for (const impl of root.descendantsOfType('impl_item')) {
    const type = baseTypeName(impl.childForFieldName('type'));
    if (type === undefined) continue;
    for (const f of impl.childForFieldName('body')?.namedChildren ?? []) {
      const name = f?.type === 'function_item' ? fnName(f) : undefined;
      if (name !== undefined) push(index.methods, `${type}\0${name}`, f!);
    }
  }
  calleeIndexes.set(root.tree, index);
  return index;
}

function push(map: Map<string, Node[]>, key: string, node: Node): void {
  const list = map.get(key);
  if (list) list.push(node);
  else map.set(key, [node]);
}

/** Fns named `name` in every impl of `type` in the file. */
function methodsOf(root: Node, type: string, name: string): Node[] {
  return calleeIndex(root).methods.get(`${type}\0${name}`) ?? [];
}

/** The fns of a module named `name`. */
function moduleFnsNamed(root: Node, module: Node, name: string): Node[] {
  const index = calleeIndex(root);
  let byName = index.moduleFns.get(module.id);
  if (!byName) {
    byName = new Map();
    for (const f of module.namedChildren) {
      const fnNamed = f?.type === 'function_item' ? fnName(f) : undefined;
      if (fnNamed !== undefined) push(byName, fnNamed, f!);
    }
    index.moduleFns.set(module.id, byName);
  }
  return byName.get(name) ?? [];
}

/** Whether `site` uses an identifier `name` other than as a call's callee (a local binding of that name). */
function bindsName(root: Node, site: Node, name: string): boolean {
  const index = calleeIndex(root);
  let names = index.bindings.get(site.id);
  if (!names) {
    names = new Set();
    for (const u of site.descendantsOfType('identifier'))
      if (u.parent?.type !== 'call_expression' || u.parent.childForFieldName('function')?.id !== u.id)
        names.add(u.text);
    index.bindings.set(site.id, names);
  }
  return names.has(name);
}

/** The fns of this file a call may resolve to; undefined when it may resolve to anything else. */
function candidates(call: Node, site: Node): Node[] | undefined {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (!fn) return undefined;
  let root: Node = site;
  while (root.parent) root = root.parent;
  if (fn.type === 'identifier') {
    // A local binding (parameter, `let`, closure) of that name would be what is called.
    if (bindsName(root, site, fn.text)) return undefined;
    const module = moduleOf(site);
    return module && moduleFnsNamed(root, module, fn.text);
  }
  if (fn.type === 'scoped_identifier') {
    const path = fn.childForFieldName('path');
    const name = fn.childForFieldName('name')?.text;
    if (!path || !name) return undefined;
    const type =
      path.text === 'Self' ? enclosingImplType(site) : /^[A-Z]\w*$/.test(path.text) ? path.text : undefined;
    return type ? methodsOf(root, type, name) : undefined;
  }
  if (fn.type === 'field_expression') {
    const recv = fn.childForFieldName('value');
    const name = fn.childForFieldName('field')?.text;
    if (!recv || !name) return undefined;
    let type: string | undefined;
    if (recv.type === 'self') type = enclosingImplType(site);
    else if (recv.type === 'identifier') {
      const param = site
        .childForFieldName('parameters')
        ?.namedChildren.find(
          (p) => p?.type === 'parameter' && p.childForFieldName('pattern')?.text === recv.text,
        );
      type = baseTypeName(param?.childForFieldName('type'));
    }
    return type ? methodsOf(root, type, name) : undefined;
  }
  return undefined;
}

/**
 * True when the call's callee is known to create its value without effects: every fn of this file it may
 * resolve to is an `async fn` or a plain fn whose body is effect-free.
 */
function createsWithoutEffects(call: Node, ctx: Context): boolean {
  const fns = candidates(call, ctx.fn);
  if (!fns || fns.length === 0) return false;
  return fns.every((f) => {
    if (hasAsync(f)) return true;
    if (ctx.visiting.has(f.id) || !f.childForFieldName('body')) return false;
    return bodyEffectOf(f, ctx.visiting) === undefined;
  });
}

// ---------------------------------------------------------------------------------------------------------
// The two questions the rewrites ask.

function bodyEffectOf(fn: Node, visiting: Set<number>): string | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return 'a missing body';
  const params = readParams(fn);
  if (params.problem) return params.problem;
  const ctx: Context = { fn, refs: params.refs, visiting: new Set([...visiting, fn.id]) };
  const owned = new Set(params.owned);
  const r = blockEffect(body, ctx, owned, params.owned);
  if (r.effect) return r.effect;
  const moved = movedWhole(r.tail, new Set());
  const left = [...owned].find((n) => !moved.has(n));
  return left ? dropping(left, params.owned) : undefined;
}

/**
 * What running `fn`'s whole body when it is called, instead of at its first poll, could change (the
 * `no-await` ready rewrite): the first effect, or undefined when the body only computes its value.
 */
export function bodyEffect(fn: Node): string | undefined {
  return bodyEffectOf(fn, new Set());
}

/** The first effect of an expression or block, with no arguments known (async blocks and closures). */
export function expressionEffect(node: Node, fn: Node): string | undefined {
  return firstEffect(node, { fn, refs: new Set(), visiting: new Set() });
}

/**
 * What running a wrapper's `let` preamble, the receiver and arguments of its tail call and the call itself
 * when the wrapper is called, instead of at its first poll, could change (the `single-await-wrapper`
 * rewrite). By-value arguments and values the preamble builds must be moved whole into the call: the async
 * fn dropped the others after the inner future completed, the plain fn drops them when it returns.
 */
export function forwardEffect(fn: Node, preamble: readonly Node[], call: Node): string | undefined {
  const params = readParams(fn);
  if (params.problem) return params.problem;
  const ctx: Context = { fn, refs: params.refs, visiting: new Set([fn.id]) };
  const owned = new Set(params.owned);
  for (const s of preamble) {
    const e = statementEffect(s, ctx, owned, params.owned);
    if (e) return e;
  }
  const e = callEffectParts(call, ctx);
  if (e) return e;
  const moved = movedWhole(call.childForFieldName('arguments'), new Set());
  const left = [...owned].find((n) => !moved.has(n));
  if (left) return dropping(left, params.owned);
  if (!createsWithoutEffects(call, ctx)) {
    return `the call \`${short(call)}\` (it may do more than create its future: only \`async fn\`s and effect-free fns of this file are known not to)`;
  }
  return undefined;
}

/** The receiver and arguments of a call, without the call itself. */
function callEffectParts(call: Node, ctx: Context): string | undefined {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  const receiver = fn?.type === 'field_expression' ? fn.childForFieldName('value') : null;
  for (const n of [receiver, ...(call.childForFieldName('arguments')?.namedChildren ?? [])]) {
    const e = n ? firstEffect(n, ctx) : undefined;
    if (e) return e;
  }
  return undefined;
}
