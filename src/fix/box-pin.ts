// The rewrite behind box advice (issue #22): `<future>.await` becomes `Box::pin(<future>).await` at each
// advised await. The awaited future then lives on the heap and its awaiter holds a pointer. Each such
// rewrite adds a heap allocation every time the await runs, so it is maybe-incorrect: never applied
// without `--allow-eager`, and the diff header says why.
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { analyze } from '../analyze/index.ts';
import type { AnalyzeOptions } from '../analyze/options.ts';
import type { Finding } from '../model/finding.ts';
import type { AnalysisReport, BoxSite } from '../model/report.ts';
import { loadRustParser, type Node } from '../readers/rust-source/parser.ts';
import { RULES } from '../rules/index.ts';
import { scan } from '../scan/index.ts';
import type { ScanFn } from './fix-loop.ts';

export const BOX_PIN_RULE = 'box-pin';
export const BOX_PIN_CAVEAT = 'adds a heap allocation each time this await runs (and needs `alloc`)';

/** An advised await, located in a tree: `file` relative to that tree's root. */
export interface BoxPinSite {
  file: string;
  line: number;
  column: number;
  item: string;
  callee: string;
  awaiteeBytes: number;
  itemBefore: number;
  itemAfter: number;
}

/** Every advised await of a report with a known position, `file` relative to `root`. */
export function boxPinSites(
  report: AnalysisReport,
  relativeTo: (reportFile: string) => string,
): BoxPinSite[] {
  return report.items.flatMap((item) =>
    (item.boxAdvice?.boxes ?? [])
      .filter(
        (b): b is BoxSite & { file: string; line: number; column: number } =>
          b.file !== undefined && b.line !== undefined && b.column !== undefined,
      )
      .map((b) => ({
        file: relativeTo(b.file),
        line: b.line,
        column: b.column,
        item: item.name,
        callee: b.callee,
        awaiteeBytes: b.awaiteeBytes,
        itemBefore: b.beforeBytes,
        itemAfter: b.afterBytes,
      })),
  );
}

/** The `.await` expression whose `await` keyword starts at UTF-16 index `at` of the text. */
function awaitExpressionAt(root: Node, at: number): Node | undefined {
  let n: Node | null = root.descendantForIndex(at, at);
  for (; n; n = n.parent) if (n.type === 'await_expression') break;
  const keyword = n?.children.find((c) => c?.type === 'await');
  return n && keyword?.startIndex === at ? n : undefined;
}

/** UTF-16 index of a 1-based line and column. */
function indexOf(text: string, line: number, column: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return at + column - 1;
}

/** Findings with the `Box::pin` rewrite for each site in the tree at `root`; sites already boxed are left out. */
export async function boxPinFindings(root: string, sites: readonly BoxPinSite[]): Promise<Finding[]> {
  const parser = await loadRustParser();
  const byFile = new Map<string, BoxPinSite[]>();
  for (const s of sites) byFile.set(s.file, [...(byFile.get(s.file) ?? []), s]);
  const out: Finding[] = [];
  for (const [file, list] of byFile) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8');
    } catch {
      continue;
    }
    const tree = parser.parse(text);
    try {
      for (const s of list) {
        const expr = awaitExpressionAt(tree.rootNode, indexOf(text, s.line, s.column));
        const receiver = expr?.namedChildren[0];
        if (!expr || !receiver) continue;
        const written = text.slice(receiver.startIndex, receiver.endIndex);
        if (/^Box::pin\s*\(/.test(written)) continue;
        out.push(finding(s, expr, receiver, text));
      }
    } finally {
      tree.delete();
    }
  }
  return out;
}

function finding(s: BoxPinSite, expr: Node, receiver: Node, text: string): Finding {
  const start = receiver.startIndex;
  const end = receiver.endIndex;
  const lines = text.slice(0, expr.endIndex).split('\n');
  return {
    rule: BOX_PIN_RULE,
    severity: 'warning',
    message: `box the future of \`${s.callee}\` (${s.awaiteeBytes} B) awaited in \`${s.item}\`: ${s.itemBefore} B → ${s.itemAfter} B (estimated from the layout)`,
    help: 'write `Box::pin(<future>).await`: the awaiter then holds a pointer instead of the future',
    item: s.item,
    file: s.file,
    line: s.line,
    column: s.column,
    endLine: lines.length,
    endColumn: lines[lines.length - 1]!.length + 1,
    byteStart: Buffer.byteLength(text.slice(0, expr.startIndex)),
    byteEnd: Buffer.byteLength(text.slice(0, expr.endIndex)),
    fix: {
      description: `box the awaited future: \`Box::pin(${short(text.slice(start, end))}).await\``,
      applicability: 'maybe-incorrect',
      caveat: BOX_PIN_CAVEAT,
      edits: [
        { file: s.file, start, end: start, text: 'Box::pin(' },
        { file: s.file, start: end, end, text: ')' },
      ],
    },
  };
}

/** An expression in one line, shortened for a description. */
function short(code: string): string {
  const one = code.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/**
 * `fix --box`: the scan the fix loop runs, for the crate directory `dir`. The crate is built and analysed
 * once, here, for its box advice; each scan of the loop (of a copy of `dir`) then offers the `Box::pin`
 * rewrites at the advised awaits that are not boxed yet, and no rule's findings.
 */
export async function boxFixScan(dir: string, analyzeOptions: AnalyzeOptions): Promise<ScanFn> {
  const root = resolve(dir);
  const report = await analyze({ ...analyzeOptions, cwd: root });
  const sites = boxPinSites(report, (file) =>
    relative(root, resolve(report.root, file)).split('\\').join('/'),
  )
    // Advice in another workspace member than the one being fixed is not this run's to apply.
    .filter((s) => !s.file.startsWith('..'));
  return boxOnlyScan(sites);
}

/** A scan that runs no rule and offers the `Box::pin` rewrites at `sites` (relative to the scanned root). */
export function boxOnlyScan(sites: readonly BoxPinSite[]): ScanFn {
  return async (path) => {
    const scanned = await scan(path, { disable: RULES.map((r) => r.meta.id), cache: false });
    return { ...scanned, findings: await boxPinFindings(scanned.root, sites) };
  };
}
