// Pieces the rewrites share: the result type, and the syntactic tests that decide when a rewrite keeps the
// program's meaning. Every test here errs on the side of "not fixable": a rule then says why in its help.
import type { Finding } from '../model/finding.ts';
import type { TextEdit } from '../model/source.ts';
import { blankCommentsAndStrings } from '../readers/rust-source/blank-text.ts';
import type { Node } from '../readers/rust-source/parser.ts';
import { classifyAttributes } from './attributes.ts';
import type { Report } from './rule.ts';
import { outerAttributes } from './syntax.ts';

export type Fix = NonNullable<Finding['fix']>;

/** A rewrite either produces a fix or says why it will not (the rule appends that to its help). */
export type RewriteResult = { fix: Fix } | { notFixable: string };

export const notFixable = (reason: string): RewriteResult => ({ notFixable: reason });

/**
 * The caveat of a rewrite that makes code eager and is therefore only maybe-incorrect: `fnName` would run
 * `what` when called, and `effect` (from effects.ts) is the first thing in it that this may change.
 */
export function eagerCaveat(what: string, fnName: string, effect: string): string {
  return (
    `\`${fnName}\` would run ${what} when called, not at its first poll: ${effect} then happens at the ` +
    'call, even if the future is never polled'
  );
}

/**
 * Path of `core::future::Future`, written absolutely: the 2021 prelude does not include `Future`, and a
 * local module named `core` cannot shadow `::core`.
 */
export const FUTURE_PATH = '::core::future::Future';
export const READY_PATH = '::core::future::ready';

const COMMENT_TYPES = ['line_comment', 'block_comment'];

export function isComment(n: Node): boolean {
  return COMMENT_TYPES.includes(n.type);
}

/** True when a comment lies in [start, end) — text a rewrite would delete or rebuild. */
export function hasCommentIn(root: Node, start: number, end: number): boolean {
  return root.descendantsOfType(COMMENT_TYPES).some((c) => c.startIndex < end && c.endIndex > start);
}

/** Edit removing the `async` keyword of a fn and the whitespace after it (no double space left). */
export function dropAsyncEdit(fn: Node, file: string, text: string): TextEdit | undefined {
  const modifiers = fn.namedChildren.find((c) => c.type === 'function_modifiers');
  const kw = modifiers?.children.find((c) => c.type === 'async');
  if (!kw) return undefined;
  let end = kw.endIndex;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return { file, start: kw.startIndex, end, text: '' };
}

/** Edits turning `-> T` into `-> impl Future<Output = T>{bound}`, or adding `-> impl Future<Output = ()>`. */
export function futureReturnEdits(fn: Node, file: string, bound = ''): TextEdit[] | undefined {
  const ret = fn.childForFieldName('return_type');
  if (ret) {
    return [
      { file, start: ret.startIndex, end: ret.startIndex, text: `impl ${FUTURE_PATH}<Output = ` },
      { file, start: ret.endIndex, end: ret.endIndex, text: `>${bound}` },
    ];
  }
  const params = fn.childForFieldName('parameters');
  if (!params) return undefined;
  return [
    {
      file,
      start: params.endIndex,
      end: params.endIndex,
      text: ` -> impl ${FUTURE_PATH}<Output = ()>${bound}`,
    },
  ];
}

/**
 * Where the fn sits. Free fns and inherent methods can change their signature freely. A trait impl's method
 * can too, within the trait's: since Rust 1.75 a trait's `async fn` may be implemented by a `fn` returning
 * `impl Future<Output = T>`, which captures every lifetime in scope in any edition (it implements the
 * trait's own `impl Trait`). A trait's declaration is the trait's API: rewriting it changes every impl's.
 */
export function placementOf(fn: Node): 'free' | 'inherent' | 'trait' | 'trait-impl' {
  const container = fn.parent?.type === 'declaration_list' ? fn.parent.parent : null;
  if (container?.type === 'trait_item') return 'trait';
  if (container?.type === 'impl_item')
    return container.childForFieldName('trait') ? 'trait-impl' : 'inherent';
  return 'free';
}

/** True for a method of an `impl` or `trait` carrying `#[async_trait]` (any path ending in it). */
export function underAsyncTrait(fn: Node): boolean {
  const owner = fn.parent?.parent;
  if (!owner || (owner.type !== 'impl_item' && owner.type !== 'trait_item')) return false;
  for (let a = owner.previousNamedSibling; a?.type === 'attribute_item'; a = a.previousNamedSibling)
    if (/^#\[\s*(?:::)?(?:async_trait\s*::\s*)?async_trait\b/.test(a.text)) return true;
  return false;
}

/** Why a method's signature cannot be rewritten where it is, if it cannot. */
export function fixedSignature(fn: Node): string | undefined {
  const placement = placementOf(fn);
  if (placement === 'trait')
    return "the fn is the trait's own declaration: rewriting it changes the trait for every implementor";
  if (placement === 'trait-impl' && underAsyncTrait(fn))
    return '`#[async_trait]` on the impl rewrites its `async fn`s into boxed futures, so the method must stay `async`';
  return undefined;
}

/**
 * Nodes of `types` in `root` that belong to root's own body: not inside a closure, a nested fn or an async
 * block, where `return` and `?` mean something else.
 */
export function ownDescendants(root: Node, types: string[]): Node[] {
  return root.descendantsOfType(types).filter((n) => {
    for (let p = n.parent; p && p.id !== root.id; p = p.parent) {
      if (p.type === 'closure_expression' || p.type === 'function_item' || p.type === 'async_block')
        return false;
    }
    return true;
  });
}

/**
 * Expressions whose evaluation has no effects and whose place in the evaluation order therefore does not
 * matter: paths, literals, field accesses and references to those.
 */
export function isPure(n: Node): boolean {
  switch (n.type) {
    case 'identifier':
    case 'self':
    case 'scoped_identifier':
    case 'integer_literal':
    case 'float_literal':
    case 'boolean_literal':
    case 'char_literal':
    case 'string_literal':
    case 'raw_string_literal':
    case 'unit_expression':
      return true;
    case 'field_expression':
    case 'reference_expression':
    case 'parenthesized_expression':
    case 'tuple_expression':
      return n.namedChildren.every(
        (c) =>
          isComment(c) ||
          c.type === 'field_identifier' ||
          c.type === 'integer_literal' ||
          c.type === 'mutable_specifier' ||
          isPure(c),
      );
    default:
      return false;
  }
}

/** The first attribute on the fn that might be a macro depending on `async` (`#[tokio::main]`, `#[instrument]`). */
export function activeAttribute(fn: Node): string | undefined {
  const verdict = classifyAttributes(outerAttributes(fn));
  return verdict.requires ?? verdict.unknown;
}

/** Macros known to expand to plain expressions (no hidden `return`, `?` or `.await` of their own). */
const EXPRESSION_MACROS = new Set([
  'println',
  'print',
  'eprintln',
  'eprint',
  'format',
  'format_args',
  'write',
  'writeln',
  'vec',
  'assert',
  'assert_eq',
  'assert_ne',
  'debug_assert',
  'debug_assert_eq',
  'debug_assert_ne',
  'panic',
  'unreachable',
  'todo',
  'unimplemented',
  'matches',
  'dbg',
  'concat',
  'stringify',
  'include_str',
  'include_bytes',
  'env',
  'option_env',
  'cfg',
  'line',
  'file',
  'column',
  'module_path',
  'trace',
  'debug',
  'info',
  'warn',
  'error',
]);

/**
 * Why the body's control flow would change meaning if it ran in a plain fn: `return` or `?` (they would
 * leave the new fn, not the future), or a macro that may hide them (`bail!`, `try!`).
 */
export function controlFlowProblem(body: Node): string | undefined {
  if (ownDescendants(body, ['return_expression']).length > 0) return 'the body uses `return`';
  if (ownDescendants(body, ['try_expression']).length > 0) return 'the body uses `?`';
  for (const m of ownDescendants(body, ['macro_invocation'])) {
    const name = m.childForFieldName('macro')?.text.split('::').at(-1) ?? '';
    const args = m.namedChildren.find((c) => c.type === 'token_tree');
    if (!EXPRESSION_MACROS.has(name)) return `the body uses \`${name}!\`, which may return early`;
    // In the code of the arguments, not their strings: `println!("{:?}", x)` has no `?` operator.
    if (args && /\?|\breturn\b|\.\s*await\b/.test(blankCommentsAndStrings(args.text)))
      return `\`${name}!\` in the body contains \`?\`, \`return\` or \`.await\``;
  }
  return undefined;
}

/** How a rule's help says why its finding has no automatic fix (preferCallerUpdates strips it again). */
export const NOT_FIXABLE = '; not fixable: ';

/** The hook a rule calls: attaches the fix to its report, or says in the help why there is none. */
export function withRewrite(report: Report, result: RewriteResult | undefined): Report {
  if (!result) return report;
  if ('fix' in result) return { ...report, fix: result.fix };
  return { ...report, help: `${report.help}${NOT_FIXABLE}${result.notFixable}`, noFix: result.notFixable };
}
