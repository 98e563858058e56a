// Small syntax questions the rules share: what a block ends with, what an `.await` awaits, how a fn is declared.
import { withoutComments } from '../readers/rust-source/blank-text.ts';
import type { Node } from '../readers/rust-source/parser.ts';

const COMMENTS = new Set(['line_comment', 'block_comment']);

/** Named children without comments. */
export function statements(block: Node): Node[] {
  return block.namedChildren.filter((c) => !COMMENTS.has(c.type));
}

/**
 * The expression a block or arm value ends in: the tail expression, or the expression of a final
 * `expr;` statement. `x?` and `(x)` are looked through, so `send(a).await?` ends in an await.
 */
export function endingExpression(value: Node): Node | undefined {
  let e: Node | undefined = value;
  if (e.type === 'block') {
    const last = statements(e).at(-1);
    e = last?.type === 'expression_statement' ? last.namedChildren[0] : last;
  }
  while (e && (e.type === 'try_expression' || e.type === 'parenthesized_expression')) e = e.namedChildren[0];
  return e;
}

/** What an `.await` waits on, when it is a call: `path::f` for a fn, `recv.method` for a method call. */
export function awaitedCallee(expr: Node | undefined): string | undefined {
  if (expr?.type !== 'await_expression') return undefined;
  const call = expr.namedChildren[0];
  if (call?.type !== 'call_expression') return undefined;
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (!fn) return undefined;
  if (fn.type === 'field_expression') {
    const recv = fn.childForFieldName('value');
    const method = fn.childForFieldName('field');
    return recv && method ? `${compact(recv.text)}.${method.text}` : undefined;
  }
  if (fn.type === 'identifier' || fn.type === 'scoped_identifier') return compact(fn.text);
  return undefined;
}

export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** True for a closure or an async block written with `move`: it owns what it captures, borrowing nothing. */
export function isMove(node: Node): boolean {
  return node.children.some((c) => c.type === 'move');
}

/**
 * Code quoted in a one-line message: without comments, its line breaks and their indentation dropped
 * (`CanTx {\n  info }` reads `CanTx {info }`, as a call chain `self.io\n    .read()` reads `self.io.read()`)
 * or made one space between two words, cut to `max` characters.
 */
export function oneLine(text: string, max = 50): string {
  // Comments go first: joined onto one line, a `// ..` would seem to hide the code after it. Lines join
  // with nothing around a chain's `.` or inside brackets (`self.io\n    .registration()`), else a space.
  const flat = withoutComments(text)
    .replace(/\s*\n\s*(?=[.?,;:)\]}>])/g, '')
    .replace(/([([{<])\s*\n\s*/g, '$1')
    .replace(/\s*\n\s*/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** `async fn name(args) -> T` without the body, for messages and spans: [start, end) UTF-16. */
export function fnHeader(fn: Node): { start: number; end: number; text: string } {
  const body = fn.childForFieldName('body');
  const end = body ? body.startIndex : fn.endIndex;
  const text = fn.text.slice(0, end - fn.startIndex).trimEnd();
  return { start: fn.startIndex, end: fn.startIndex + text.length, text };
}

/** The declared return type's text, or `()`. */
export function returnType(fn: Node): string {
  return fn.childForFieldName('return_type')?.text ?? '()';
}

/** The `fn name(args)` part with `async` and the return type removed, for suggestions. */
export function plainSignature(fn: Node): string {
  const name = fn.childForFieldName('name')?.text ?? '?';
  const generics = fn.childForFieldName('type_parameters')?.text;
  const params = compactList(fn.childForFieldName('parameters')?.text ?? '()');
  return `fn ${name}${generics ? compactList(generics) : ''}${params.length > 60 ? '(..)' : params}`;
}

/** A bracketed list as rustfmt writes it on one line: `(\n    &mut self,\n)` reads `(&mut self)`. */
function compactList(text: string): string {
  return withoutComments(text)
    .replace(/\s+/g, ' ')
    .replace(/^([(<]) /, '$1')
    .replace(/,? ?([)>])$/, '$1');
}

/** The outer attributes written on an item (`#[..]` lines above it, comments between them skipped). */
export function outerAttributes(item: Node): string[] {
  const out: string[] = [];
  for (let a = item.previousNamedSibling; a; a = a.previousNamedSibling) {
    if (COMMENTS.has(a.type)) continue;
    if (a.type !== 'attribute_item') break;
    out.unshift(a.text);
  }
  return out;
}

/** ` where T: Clone` (one line) when the fn has a where clause, else ''. Suggested signatures keep it. */
export function whereClause(fn: Node): string {
  const w = fn.childForFieldName('where_clause') ?? fn.namedChildren.find((c) => c.type === 'where_clause');
  return w ? ` ${w.text.replace(/\s+/g, ' ').replace(/,\s*$/, '')}` : '';
}

/**
 * The `.await` a branch ends with, also in statement forms: `f(x).await`, `f(x).await?;`,
 * `let _ = f(x).await;`, `_ = f(x).await;`, `f(x).await.unwrap();`, `f(x).await.map_err(E)?`.
 * The await's result may be handled (unwrapped, mapped, discarded) but nothing else may be awaited after it.
 */
export function trailingAwait(value: Node): Node | undefined {
  let e: Node | undefined = value;
  if (e.type === 'block') {
    const last = statements(e).at(-1);
    if (!last) return undefined;
    if (last.type === 'let_declaration') e = last.childForFieldName('value') ?? undefined;
    else e = last.type === 'expression_statement' ? last.namedChildren[0] : last;
  }
  for (let steps = 0; e && steps < 16; steps++) {
    if (e.type === 'await_expression') return e;
    if (e.type === 'try_expression' || e.type === 'parenthesized_expression') e = e.namedChildren[0];
    else if (e.type === 'assignment_expression' && e.childForFieldName('left')?.text === '_')
      e = e.childForFieldName('right') ?? undefined;
    else if (e.type === 'call_expression') {
      // `x.await.unwrap()`: a method called on the awaited value.
      const fn = e.childForFieldName('function');
      const recv = fn?.type === 'field_expression' ? fn.childForFieldName('value') : null;
      if (!recv || recv.descendantsOfType('await_expression').length === 0) return undefined;
      e = recv;
    } else return undefined;
  }
  return undefined;
}

/** The arms' values; an arm under `#[cfg(..)]` is left out: cfg-exclusive arms never both exist. */
export function matchArmValues(m: Node): Node[] {
  const body = m.childForFieldName('body');
  if (!body) return [];
  return body.namedChildren
    .filter((c) => c.type === 'match_arm' && !hasCfg(c))
    .map((arm) => arm.childForFieldName('value'))
    .filter((v): v is Node => v !== null);
}

export function hasCfg(arm: Node): boolean {
  for (let a = arm.previousNamedSibling; a?.type === 'attribute_item'; a = a.previousNamedSibling)
    if (/^#\[\s*cfg\s*\(/.test(a.text)) return true;
  return arm.namedChildren.some((c) => c.type === 'attribute_item' && /^#\[\s*cfg\s*\(/.test(c.text));
}

export function ifChainBranches(node: Node): Node[] {
  const out: Node[] = [];
  let cur: Node | null = node;
  while (cur?.type === 'if_expression') {
    const then = cur.childForFieldName('consequence');
    if (then) out.push(then);
    const alt: Node | null | undefined = cur.childForFieldName('alternative')?.namedChildren[0];
    if (alt && alt.type !== 'if_expression') out.push(alt);
    cur = alt ?? null;
  }
  return out;
}
