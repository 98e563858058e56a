// The fix driver: scan, take every fixable finding, apply the fixes that do not collide, rescan — until no
// fixable finding is left or a round bound is hit. One rewrite can expose another (a hoisted match can
// leave a single-await wrapper), and a fix whose edits overlap an earlier one's is recomputed on the new
// text in the next round instead of being applied to stale offsets.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Finding } from '../model/finding.ts';
import type { ScanReport } from '../model/report.ts';
import type { TextEdit } from '../model/source.ts';
import { applyEdits, editsByFile, pickCompatible } from './apply-edits.ts';
import { decodeSource, encodeSource } from './source-text.ts';

export type ScanFn = (path: string) => Promise<ScanReport>;

export interface AppliedFix {
  rule: string;
  /** File of the finding, relative to the loop's directory. */
  file: string;
  line: number;
  item?: string;
  description: string;
  caveat?: string;
  /** Files the fix edited (call-site updates can reach other files), relative to the loop's directory. */
  files: string[];
  round: number;
}

export interface FixLoopOptions {
  /** Directory rewritten in place (a scratch copy of the crate). */
  dir: string;
  /** What to scan, relative to `dir` (default: all of it). */
  scanPath?: string;
  scan: ScanFn;
  /** Only fix findings of these rules (default: every fixable finding). */
  rules?: readonly string[];
  maxRounds?: number;
  /** Adjusts each round's report before fixes are taken from it (e.g. fixes that need the whole crate). */
  refine?: (report: ScanReport) => Promise<ScanReport>;
}

export interface FixLoopResult {
  applied: AppliedFix[];
  rounds: number;
  /** Fixable findings still present when the round bound was reached. */
  remaining: Finding[];
  /** Fixes not applied because their file has syntax errors tree-sitter recovered from: count and first. */
  skippedInBrokenFiles: { count: number; example: string };
  /** Files changed, relative to `dir`, with their bytes before the first round. */
  originals: Map<string, Buffer>;
}

type Fixable = Finding & { fix: NonNullable<Finding['fix']> };

export const DEFAULT_MAX_ROUNDS = 10;

/** Edits with `file` rewritten relative to the loop directory (findings are relative to the scanned root). */
function rebase(edits: readonly TextEdit[], scanRoot: string, dir: string): TextEdit[] {
  return edits.map((e) => ({ ...e, file: relative(dir, resolve(scanRoot, e.file)).split('\\').join('/') }));
}

export async function runFixLoop(options: FixLoopOptions): Promise<FixLoopResult> {
  const dir = resolve(options.dir);
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const wanted = options.rules ? new Set(options.rules) : undefined;
  const applied: AppliedFix[] = [];
  const originals = new Map<string, Buffer>();
  let remaining: Finding[] = [];
  let rounds = 0;
  const skippedInBrokenFiles = { count: 0, example: '' };
  const skippedSeen = new Set<string>();
  for (;;) {
    const scanned = await options.scan(resolve(dir, options.scanPath ?? '.'));
    const report = options.refine ? await options.refine(scanned) : scanned;
    // A file tree-sitter had to recover in is only partly understood: its fixes are not applied.
    const broken = new Set(report.stats.filesWithParseErrors);
    const candidates = report.findings
      .filter((f): f is Fixable => f.fix !== undefined && f.fix.edits.length > 0)
      .filter((f) => !wanted || wanted.has(f.rule));
    for (const f of candidates.filter((c) => broken.has(c.file))) {
      const key = `${f.file}:${f.line}:${f.rule}`;
      if (!skippedSeen.has(key)) {
        skippedSeen.add(key);
        skippedInBrokenFiles.count++;
        skippedInBrokenFiles.example ||= `${f.file}:${f.line} [${f.rule}]`;
      }
    }
    const fixable = candidates
      .filter((f) => !broken.has(f.file))
      .map((f) => ({ finding: f, edits: rebase(f.fix.edits, report.root, dir) }));
    remaining = fixable.map((f) => f.finding);
    if (fixable.length === 0 || rounds >= maxRounds) break;
    rounds++;
    const { kept } = pickCompatible(fixable);
    let changed = false;
    for (const [file, edits] of editsByFile(kept.flatMap((k) => k.edits))) {
      const path = resolve(dir, file);
      const bytes = readFileSync(path);
      if (!originals.has(file)) originals.set(file, bytes);
      const before = decodeSource(file, bytes);
      const after = applyEdits(before.text, edits);
      if (after !== before.text) {
        writeFileSync(path, encodeSource({ ...before, text: after }));
        changed = true;
      }
    }
    for (const { finding, edits } of kept) {
      applied.push({
        rule: finding.rule,
        file: relative(dir, resolve(report.root, finding.file)).split('\\').join('/'),
        line: finding.line,
        ...(finding.item === undefined ? {} : { item: finding.item }),
        description: finding.fix.description,
        ...(finding.fix.caveat === undefined ? {} : { caveat: finding.fix.caveat }),
        files: [...new Set(edits.map((e) => e.file))],
        round: rounds,
      });
    }
    // A fix that changes nothing would be offered again forever.
    if (!changed) break;
  }
  return { applied, rounds, remaining, originals, skippedInBrokenFiles };
}
