// The better `no-await` rewrite, which needs the whole crate: a private free `async fn f` that never awaits
// loses `async`, and every `f(..).await` in the crate loses its `.await`. The body then runs at the call,
// which is where the immediately following `.await` used to run it, so nothing moves: the fix is
// machine-applicable whatever the body does. It is only done when
// every use of the name `f` anywhere in the crate is such a call: the fn passed as a value, named in a
// macro, shadowed or defined twice (another `f` in another module) makes the name ambiguous to a syntax-only
// tool, and the signature-keeping `ready(..)` rewrite from the rule is used instead.
import { readFile } from 'node:fs/promises';
import type { Finding } from '../model/finding.ts';
import type { ScanReport } from '../model/report.ts';
import type { TextEdit } from '../model/source.ts';
import { relativeSlashed } from '../paths.ts';
import { loadRustParser, type Node, type Tree } from '../readers/rust-source/parser.ts';
import { LineIndex } from '../readers/rust-source/positions.ts';
import { CALLERS_NOTE } from '../rules/no-await/rule.ts';
import {
  activeAttribute,
  dropAsyncEdit,
  hasCommentIn,
  NOT_FIXABLE,
  notFixable,
  placementOf,
  type RewriteResult,
} from '../rules/rewrite-common.ts';
import { listRustFiles } from '../scan/walk.ts';
import { decodeSource } from './source-text.ts';

/** One place a name occurs in the crate, as an identifier node of a parsed file. */
export interface Occurrence {
  /** Relative to the scan root the findings use. */
  file: string;
  text: string;
  node: Node;
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
  fn: Node,
  fnFile: string,
  fnText: string,
  occurrences: readonly Occurrence[],
): RewriteResult {
  if (placementOf(fn) !== 'free') return notFixable('only free fns have callers asyncbloat can find');
  if (fn.children.some((c) => c.type === 'visibility_modifier')) {
    return notFixable('the fn is visible outside its module');
  }
  const attr = activeAttribute(fn);
  if (attr) return notFixable(`the attribute \`#[${attr}]\` may depend on \`async\``);
  const nameNode = fn.childForFieldName('name');
  const name = nameNode?.text;
  if (!nameNode || !name || name.startsWith('r#')) return notFixable('unsupported fn name');
  const dropAsync = dropAsyncEdit(fn, fnFile, fnText);
  if (!dropAsync) return notFixable('unexpected fn syntax');
  const edits: TextEdit[] = [dropAsync];
  for (const o of occurrences) {
    const id = o.node;
    if (o.file === fnFile && id.startIndex === nameNode.startIndex) continue;
    const where = `${o.file}:${new LineIndex(o.text).at(id.startIndex).line}`;
    if (hasAncestor(id, 'token_tree')) return notFixable(`\`${name}\` is named inside a macro at ${where}`);
    const site = awaitedCallOf(id);
    if (!site) return notFixable(`\`${name}\` is used other than as \`${name}(..).await\` at ${where}`);
    if (o.file === fnFile && site.call.startIndex >= fn.startIndex && site.call.endIndex <= fn.endIndex) {
      return notFixable(`\`${name}\` calls itself`);
    }
    if (hasCommentIn(site.awaitExpr, site.call.endIndex, site.awaitExpr.endIndex)) {
      return notFixable(`a comment inside \`.await\` at ${where} would be lost`);
    }
    edits.push({ file: o.file, start: site.call.endIndex, end: site.awaitExpr.endIndex, text: '' });
  }
  const calls = edits.length - 1;
  return {
    fix: {
      description: `drop \`async\` from \`${name}\` and the \`.await\` at its ${calls} call site${calls === 1 ? '' : 's'}`,
      applicability: 'machine-applicable',
      edits,
    },
  };
}

/** The `async fn` whose finding this is: no-await reports an async fn at the fn's own first token. */
function asyncFnAt(root: Node, lines: LineIndex, finding: Finding): Node | undefined {
  const at = lines.lineStart(finding.line) + finding.column - 1;
  return root
    .descendantsOfType('function_item')
    .find(
      (fn) =>
        fn.startIndex === at &&
        fn.namedChildren.some(
          (c) => c.type === 'function_modifiers' && c.children.some((k) => k.type === 'async'),
        ),
    );
}

/**
 * Replaces the fix of each `no-await` finding on a private free fn by the caller-updating rewrite where
 * it applies. `crateDir` bounds the search for callers: all of the crate's files, not only the scanned ones,
 * so a caller outside a narrower scan path is still updated. Each file is parsed once.
 */
export async function preferCallerUpdates(report: ScanReport, crateDir: string): Promise<ScanReport> {
  const candidates = report.findings.filter((f) => f.rule === 'no-await' && f.item !== undefined);
  if (candidates.length === 0) return report;
  // Only files that mention a candidate's name can hold one of its uses.
  const names = new Set(candidates.map((f) => f.item!.split('::').at(-1)!));
  const mentions = new RegExp(`\\b(${[...names].map((n) => n.replace(/[^\w]/g, '\\$&')).join('|')})\\b`);
  const parser = await loadRustParser();
  const walk = await listRustFiles(crateDir);
  const files: { file: string; text: string; tree: Tree }[] = [];
  try {
    for (const f of walk.files) {
      let text: string;
      // Files outside a narrower scan root get `../` paths; edits are rebased from the root later.
      const rel = relativeSlashed(report.root, f.abs);
      try {
        text = decodeSource(rel, await readFile(f.abs)).text;
      } catch {
        // A file we cannot read could use any name: no caller update is provably complete.
        return report;
      }
      if (mentions.test(text)) files.push({ file: rel, text, tree: parser.parse(text) });
    }
    const occurrences = new Map<string, Occurrence[]>();
    for (const f of files) {
      for (const node of f.tree.rootNode.descendantsOfType('identifier')) {
        if (!names.has(node.text)) continue;
        const list = occurrences.get(node.text);
        const o = { file: f.file, text: f.text, node };
        if (list) list.push(o);
        else occurrences.set(node.text, [o]);
      }
    }
    // A file tree-sitter could only partly parse may hide a use of a name in its ERROR nodes.
    const unsure = new Set(
      [...names].filter((n) =>
        files.some((f) => f.tree.rootNode.hasError && new RegExp(`\\b${n}\\b`).test(f.text)),
      ),
    );
    // The ready(..) rewrite kept: its note about the other rewrite no longer applies.
    const kept = (f: Finding): Finding =>
      f.fix ? { ...f, fix: { ...f.fix, description: f.fix.description.replace(CALLERS_NOTE, '') } } : f;
    const findings = report.findings.map((finding) => {
      if (!candidates.includes(finding)) return finding;
      const file = files.find((f) => f.file === finding.file);
      const fn = file && asyncFnAt(file.tree.rootNode, new LineIndex(file.text), finding);
      const name = fn?.childForFieldName('name')?.text;
      if (!file || !fn || !name || unsure.has(name)) return kept(finding);
      const r = rewriteNoAwaitWithCallers(fn, file.file, file.text, occurrences.get(name) ?? []);
      if (!('fix' in r)) return kept(finding);
      // The rule's own "not fixable" reason was about the other variant; this one applies.
      return { ...finding, help: finding.help.split(NOT_FIXABLE)[0]!, fix: r.fix };
    });
    return { ...report, findings };
  } finally {
    for (const f of files) f.tree.delete();
  }
}
