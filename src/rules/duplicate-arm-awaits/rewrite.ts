// Rewrite for `duplicate-arm-awaits`: `match x { A => f(1).await, B => f(2).await }` becomes
// `f(match x { A => 1, B => 2 }).await` — one suspend state instead of one per arm. Only done when every
// branch is nothing but the same call awaited, differing in arguments alone; the branch structure, patterns,
// guards, comments and formatting stay, and only the awaited call moves outside. What is evaluated keeps its
// order (the rewrite refuses when a receiver or argument before the differing one has effects), so the fix is
// machine-applicable.
import type { TextEdit } from '../../model/source.ts';
import type { Node } from '../../readers/rust-source/parser.ts';
import { hasCommentIn, isComment, isPure, notFixable, type RewriteResult } from '../rewrite-common.ts';
import { statements } from '../syntax.ts';

interface Branch {
  /** The node replaced by the branch's argument(s): the await expression, or the `call.await;` statement. */
  replace: Node;
  call: Node;
  args: Node[];
  /** `f(..).await;` (the branch's value is `()`) rather than `f(..).await` (the call's output). */
  statement: boolean;
}

/** The branches of a match or of an if / else if / else chain; undefined when the chain has no final else. */
function branchValues(node: Node): Node[] | undefined {
  if (node.type === 'match_expression') {
    const body = node.childForFieldName('body');
    return body?.namedChildren
      .filter((c) => c.type === 'match_arm')
      .map((arm) => arm.childForFieldName('value'))
      .filter((v): v is Node => v !== null);
  }
  const out: Node[] = [];
  let cur: Node | null = node;
  while (cur?.type === 'if_expression') {
    const then = cur.childForFieldName('consequence');
    if (!then) return undefined;
    out.push(then);
    const alt: Node | undefined = cur
      .childForFieldName('alternative')
      ?.namedChildren.find((c) => !isComment(c));
    if (!alt) return undefined;
    if (alt.type === 'if_expression') cur = alt;
    else {
      out.push(alt);
      cur = null;
    }
  }
  return out;
}

function branchOf(value: Node): Branch | string {
  let replace = value;
  let awaitNode = value;
  let statement = false;
  if (value.type === 'block') {
    const stmts = statements(value);
    const only = stmts[0];
    if (stmts.length !== 1 || !only) return 'a branch does more than await the call';
    if (only.type === 'expression_statement' && only.children.some((c) => c.type === ';')) {
      const inner = only.namedChildren.find((c) => !isComment(c));
      if (!inner) return 'a branch does more than await the call';
      statement = true;
      replace = only;
      awaitNode = inner;
    } else {
      replace = only;
      awaitNode = only;
    }
  }
  if (awaitNode.type !== 'await_expression') return 'a branch does more than await the call';
  const call = awaitNode.namedChildren[0];
  if (call?.type !== 'call_expression') return 'a branch awaits something other than a call';
  const list = call.childForFieldName('arguments');
  if (!list) return 'a branch awaits something other than a call';
  return { replace, call, args: list.namedChildren.filter((c) => !isComment(c)), statement };
}

/** `f`, `self.db.fetch`, `m::g::<T>`: the call up to its argument list. */
function calleeText(call: Node): string {
  const list = call.childForFieldName('arguments')!;
  return call.text.slice(0, list.startIndex - call.startIndex).trimEnd();
}

function receiverIsPure(call: Node): boolean {
  let fn = call.childForFieldName('function');
  if (fn?.type === 'generic_function') fn = fn.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'identifier' || fn.type === 'scoped_identifier') return true;
  if (fn.type === 'field_expression') {
    const recv = fn.childForFieldName('value');
    return recv !== null && isPure(recv);
  }
  return false;
}

/** `&temp()` in a hoisted argument would borrow a temporary that dies at the end of its arm. */
function borrowsTemporary(arg: Node): boolean {
  const refs = arg.type === 'reference_expression' ? [arg] : arg.descendantsOfType('reference_expression');
  return refs.some((r) => {
    const operand = r.namedChildren.filter((c) => !isComment(c) && c.type !== 'mutable_specifier').at(-1);
    return operand !== undefined && !isPure(operand);
  });
}

/** A name for a hoisted argument that the rewritten code does not already use. */
function freshNames(count: number, used: string): string[] {
  let suffix = '';
  for (;;) {
    const names = Array.from({ length: count }, (_, k) => `arg${k}${suffix}`);
    if (!names.some((n) => new RegExp(`\\b${n}\\b`).test(used))) return names;
    suffix += '_';
  }
}

/** Whether the expression stands as a statement of its block (so its value is discarded or is the block's). */
function statementContext(node: Node): { isStatement: boolean; hasSemicolon: boolean; followed: boolean } {
  const parent = node.parent;
  if (parent?.type !== 'expression_statement')
    return { isStatement: false, hasSemicolon: false, followed: false };
  let next = parent.nextNamedSibling;
  while (next && isComment(next)) next = next.nextNamedSibling;
  return {
    isStatement: true,
    hasSemicolon: parent.children.some((c) => c.type === ';'),
    followed: next !== null,
  };
}

export function rewriteDuplicateArmAwaits(node: Node, file: string, text: string): RewriteResult {
  const values = branchValues(node);
  if (!values) return notFixable('the `if` chain has no final `else`');
  if (values.length < 2) return notFixable('fewer than two branches');
  const branches: Branch[] = [];
  for (const v of values) {
    const b = branchOf(v);
    if (typeof b === 'string') return notFixable(b);
    branches.push(b);
  }
  const first = branches[0]!;
  const callee = calleeText(first.call);
  if (branches.some((b) => calleeText(b.call) !== callee)) {
    return notFixable('not every branch awaits the same callee');
  }
  if (branches.some((b) => b.statement !== first.statement)) {
    return notFixable('some branches use the awaited value and others discard it');
  }
  if (branches.some((b) => b.args.length !== first.args.length)) {
    return notFixable('the branches pass different numbers of arguments');
  }
  const differing: number[] = [];
  for (let i = 0; i < first.args.length; i++) {
    if (branches.some((b) => b.args[i]!.text !== first.args[i]!.text)) differing.push(i);
  }
  if (differing.length === 0) return notFixable('every branch makes the identical call');
  const lastDiffering = differing.at(-1)!;
  // The hoisted call evaluates its receiver and the arguments before the last differing one ahead of the
  // match; that is only unobservable when they have no effects.
  if (!receiverIsPure(first.call))
    return notFixable("the call's receiver would be evaluated before the condition");
  for (let i = 0; i < lastDiffering; i++) {
    if (!differing.includes(i) && !isPure(first.args[i]!)) {
      return notFixable('an argument before the differing one would be evaluated before the condition');
    }
  }
  for (const b of branches) {
    if (differing.some((i) => borrowsTemporary(b.args[i]!))) {
      return notFixable('a differing argument borrows a temporary, which would not live past its branch');
    }
    // Everything of the branch that disappears must be comment-free: only the arguments are kept.
    const kept = differing.map((i) => b.args[i]!);
    const comments = b.replace.descendantsOfType(['line_comment', 'block_comment']);
    if (comments.some((c) => !kept.some((k) => c.startIndex >= k.startIndex && c.endIndex <= k.endIndex))) {
      return notFixable('a comment inside the awaited call would be lost');
    }
  }
  if (
    hasCommentIn(first.call, first.call.startIndex, first.call.childForFieldName('arguments')!.startIndex)
  ) {
    return notFixable('a comment inside the callee would be lost');
  }

  const edits: TextEdit[] = [];
  const single = differing.length === 1;
  for (const b of branches) {
    const parts = differing.map((i) => b.args[i]!.text);
    edits.push({
      file,
      start: b.replace.startIndex,
      end: b.replace.endIndex,
      text: single ? parts[0]! : `(${parts.join(', ')})`,
    });
  }
  const ctx = statementContext(node);
  let prefix: string;
  let suffix: string;
  if (single) {
    const i = differing[0]!;
    const before = first.args.slice(0, i).map((a) => a.text);
    const after = first.args.slice(i + 1).map((a) => a.text);
    prefix = `${callee}(${before.map((t) => `${t}, `).join('')}`;
    suffix = `${after.map((t) => `, ${t}`).join('')}).await`;
    if (first.statement) {
      // The branches discarded the output; the hoisted call must too.
      if (ctx.isStatement) {
        if (!ctx.hasSemicolon) suffix += ';';
      } else {
        prefix = `{ ${prefix}`;
        suffix += '; }';
      }
    } else if (ctx.isStatement && !ctx.hasSemicolon && ctx.followed) {
      // A block-like `match` in the middle of a block has type `()`; the call expression needs its `;`.
      suffix += ';';
    }
  } else {
    const args = (names: string[]) =>
      first.args.map((a, i) => (differing.includes(i) ? names[differing.indexOf(i)]! : a.text));
    const block = node.parent?.parent;
    if (ctx.isStatement && block?.type === 'block') {
      // A statement of a block: bind the arguments with a `let` in that block, on the match's own line.
      const names = freshNames(differing.length, block.text);
      const indent = /[ \t]*$/.exec(text.slice(0, node.startIndex))![0];
      const needsSemicolon = first.statement || (ctx.followed && !ctx.hasSemicolon);
      prefix = `let (${names.join(', ')}) = `;
      suffix = `;\n${indent}${callee}(${args(names).join(', ')}).await${needsSemicolon && !ctx.hasSemicolon ? ';' : ''}`;
    } else {
      const names = freshNames(differing.length, node.text);
      prefix = `{ let (${names.join(', ')}) = `;
      suffix = `; ${callee}(${args(names).join(', ')}).await${first.statement ? ';' : ''} }`;
    }
  }
  edits.push({ file, start: node.startIndex, end: node.startIndex, text: prefix });
  edits.push({ file, start: node.endIndex, end: node.endIndex, text: suffix });
  const what = node.type === 'match_expression' ? '`match`' : '`if`';
  return {
    fix: {
      description: `await \`${callee}\` once, with the ${what} choosing its argument${single ? '' : 's'}`,
      applicability: 'machine-applicable',
      edits,
    },
  };
}
