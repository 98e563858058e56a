// The better `no-await` rewrite, which needs the whole crate: a private free `async fn f` that never awaits
// loses `async`, and every `f(..).await` in the crate loses its `.await`. The body then runs at the call,
// which is where the immediately following `.await` used to run it, so nothing moves. It is only done when
// every use of the name `f` anywhere in the crate is such a call: the fn passed as a value, named in a
// macro, shadowed or defined twice (another `f` in another module) makes the name ambiguous to a syntax-only
// tool, and the signature-keeping `ready(..)` rewrite from the rule is used instead.
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { Finding } from '../../model/finding.ts';
import type { ScanReport } from '../../model/report.ts';
import type { TextEdit } from '../../model/source.ts';
import { loadRustParser, type Node, type RustParser } from '../../readers/rust-source/parser.ts';
import { LineIndex } from '../../readers/rust-source/positions.ts';
import { listRustFiles } from '../../scan/walk.ts';
import { decodeSource } from '../source-text.ts';
import {
  activeAttribute,
  dropAsyncEdit,
  hasCommentIn,
  NOT_FIXABLE,
  notFixable,
  placementOf,
  type RewriteResult,
} from './common.ts';

export interface CrateFile {
  /** Relative to the scan root the findings use. */
  file: string;
  text: string;
}

function hasAncestor(n: Node, type: string): boolean {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return true;
  return false;
}

/** `f(..).await` around an occurrence of `f`, or undefined when the name is used any other way. */
function awaitedCallOf(name: Node): { call: Node; awaitExpr: Node } | undefined {
  let callee = name;
  if (name.parent?.type === 'scoped_identifier' && name.parent.childForFieldName('name')?.id === name.id) {
    callee = name.parent;
  }
  const call = callee.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== callee.id)
    return undefined;
  const awaitExpr = call.parent;
  if (awaitExpr?.type !== 'await_expression') return undefined;
  return { call, awaitExpr };
}

/**
 * Drops `async` from `fn` (in `fnFile`) and `.await` from every call of it in `crate`; a reason instead when
 * any use of its name is not a plain awaited call.
 */
export function rewriteNoAwaitWithCallers(
  parser: RustParser,
  fn: Node,
  fnFile: string,
  fnText: string,
  crate: readonly CrateFile[],
): RewriteResult {
  if (placementOf(fn) !== 'free') return notFixable('only free fns have callers asyncbloat can find');
  if (fn.children.some((c) => c.type === 'visibility_modifier'))
    return notFixable('the fn is visible outside its module');
  const attr = activeAttribute(fn);
  if (attr) return notFixable(`the attribute \`#[${attr}]\` may depend on \`async\``);
  const nameNode = fn.childForFieldName('name');
  const name = nameNode?.text;
  if (!name || name.startsWith('r#')) return notFixable('unsupported fn name');
  const dropAsync = dropAsyncEdit(fn, fnFile, fnText);
  if (!dropAsync) return notFixable('unexpected fn syntax');
  const edits: TextEdit[] = [dropAsync];
  const word = new RegExp(`\\b${name}\\b`);
  for (const f of crate) {
    if (!word.test(f.text)) continue;
    const tree = parser.parse(f.text);
    try {
      for (const id of tree.rootNode.descendantsOfType('identifier')) {
        if (id.text !== name) continue;
        if (f.file === fnFile && id.startIndex === nameNode!.startIndex) continue;
        const where = `${f.file}:${new LineIndex(f.text).at(id.startIndex).line}`;
        if (hasAncestor(id, 'token_tree'))
          return notFixable(`\`${name}\` is named inside a macro at ${where}`);
        const site = awaitedCallOf(id);
        if (!site) return notFixable(`\`${name}\` is used other than as \`${name}(..).await\` at ${where}`);
        if (f.file === fnFile && site.call.startIndex >= fn.startIndex && site.call.endIndex <= fn.endIndex) {
          return notFixable(`\`${name}\` calls itself`);
        }
        if (hasCommentIn(site.awaitExpr, site.call.endIndex, site.awaitExpr.endIndex)) {
          return notFixable(`a comment inside \`.await\` at ${where} would be lost`);
        }
        edits.push({ file: f.file, start: site.call.endIndex, end: site.awaitExpr.endIndex, text: '' });
      }
    } finally {
      tree.delete();
    }
  }
  const calls = edits.length - 1;
  return {
    fix: {
      description: `drop \`async\` from \`${name}\` and the \`.await\` at its ${calls} call site${calls === 1 ? '' : 's'}`,
      edits,
    },
  };
}

/** The innermost `async fn` item containing the finding's start. */
function fnAt(root: Node, lines: LineIndex, finding: Finding): Node | undefined {
  const at = lines.lineStart(finding.line) + finding.column - 1;
  let best: Node | undefined;
  for (const fn of root.descendantsOfType('function_item')) {
    if (fn.startIndex <= at && at < fn.endIndex && (!best || fn.startIndex >= best.startIndex)) best = fn;
  }
  return best;
}

/**
 * Replaces the fix of each `no-await` finding on a private free fn by the caller-updating rewrite where
 * it applies. `crateDir` bounds the search for callers: all of the crate's files, not only the scanned ones,
 * so a caller outside a narrower scan path is still updated.
 */
export async function preferCallerUpdates(report: ScanReport, crateDir: string): Promise<ScanReport> {
  const candidates = report.findings.filter((f) => f.rule === 'no-await');
  if (candidates.length === 0) return report;
  const parser = await loadRustParser();
  const walk = await listRustFiles(crateDir);
  const crate: CrateFile[] = [];
  for (const f of walk.files) {
    try {
      // Files outside a narrower scan root get `../` paths; edits are rebased from the root later.
      const rel = relative(report.root, f.abs).split(sep).join('/');
      crate.push({ file: rel, text: decodeSource(rel, await readFile(f.abs)).text });
    } catch {
      // Unreadable or non-UTF-8 files cannot hold a caller we could edit; scan reports them as skipped.
    }
  }
  const findings: Finding[] = [];
  for (const finding of report.findings) {
    const file = candidates.includes(finding) ? crate.find((c) => c.file === finding.file) : undefined;
    if (!file) {
      findings.push(finding);
      continue;
    }
    const tree = parser.parse(file.text);
    try {
      const fn = fnAt(tree.rootNode, new LineIndex(file.text), finding);
      const isAsyncFn = fn?.namedChildren.some(
        (c) => c.type === 'function_modifiers' && /\basync\b/.test(c.text),
      );
      const r =
        fn && isAsyncFn ? rewriteNoAwaitWithCallers(parser, fn, file.file, file.text, crate) : undefined;
      // The rule's own "not fixable" reason is about the other variant; this one applies.
      const help = finding.help.split(NOT_FIXABLE)[0]!;
      findings.push(r && 'fix' in r ? { ...finding, help, fix: r.fix } : finding);
    } finally {
      tree.delete();
    }
  }
  return { ...report, findings };
}
