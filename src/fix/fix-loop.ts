// The fix driver: scan, take every fixable finding, apply the fixes that do not collide, rescan — until no
// fixable finding is left or a round bound is hit. One rewrite can expose another (a hoisted match can
// leave a single-await wrapper), and a fix whose edits overlap an earlier one's is recomputed on the new
// text in the next round instead of being applied to stale offsets. Only machine-applicable fixes are taken
// unless `allowEager` says otherwise, in every round: a maybe-incorrect fix (one that makes code run at the
// call instead of the first poll) is left in place and reported as withheld, as `fix --write` needs.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Applicability, Finding } from '../model/finding.ts';
import type { ScanReport } from '../model/report.ts';
import type { TextEdit } from '../model/source.ts';
import { applyEdits, pickCompatible, sortAndCheck } from './apply-edits.ts';
import { type FixRegion, moveRegions } from './fix-regions.ts';
import { decodeSource, encodeSource } from './source-text.ts';

export type ScanFn = (path: string) => Promise<ScanReport>;

export interface AppliedFix {
  rule: string;
  /** File of the finding, relative to the loop's directory. */
  file: string;
  line: number;
  item?: string;
  description: string;
  applicability: Applicability;
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
  /**
   * Also apply maybe-incorrect fixes (`fix --write --allow-eager`). Default: machine-applicable ones only;
   * the others are reported in `withheld`.
   */
  allowEager?: boolean;
  /** Only fixes this accepts are applied (verification drops fixes that broke compilation this way). */
  accept?: (fix: FixIdentity) => boolean;
  /** Adjusts each round's report before fixes are taken from it (e.g. fixes that need the whole crate). */
  refine?: (report: ScanReport) => Promise<ScanReport>;
}

export interface FixLoopResult {
  applied: AppliedFix[];
  rounds: number;
  /** Fixable findings still present when the round bound was reached. */
  remaining: Finding[];
  /** Maybe-incorrect fixes left out because `allowEager` was off, as the last scan found them. */
  withheld: WithheldFix[];
  /** Fixes not applied because their file has syntax errors tree-sitter recovered from: count and first. */
  skippedInBrokenFiles: { count: number; example: string };
  /** Files changed, relative to `dir`, with their bytes before the first round. */
  originals: Map<string, Buffer>;
  /** The lines of the final text each applied fix wrote (`fix` indexes `applied`). */
  regions: FixRegion[];
}

/** A fix the loop did not apply because it may change behaviour: where, what, and the caveat saying why. */
export type WithheldFix = Omit<AppliedFix, 'files' | 'round'>;

/** A finding's fix as the loop reports it, with its file relative to the loop's directory. */
function fixRecord(f: Fixable, file: string): WithheldFix {
  return {
    rule: f.rule,
    file,
    line: f.line,
    ...(f.item === undefined ? {} : { item: f.item }),
    description: f.fix.description,
    applicability: f.fix.applicability,
    ...(f.fix.caveat === undefined ? {} : { caveat: f.fix.caveat }),
  };
}

/** What identifies a fix across runs of the loop: its rule, file and item (or line, for an unnamed one). */
export type FixIdentity = Pick<AppliedFix, 'rule' | 'file' | 'line' | 'item'>;

export function fixKey(f: FixIdentity): string {
  return `${f.rule}|${f.file}|${f.item ?? `line ${f.line}`}`;
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
  let withheld: WithheldFix[] = [];
  let rounds = 0;
  const skippedInBrokenFiles = { count: 0, example: '' };
  const skippedSeen = new Set<string>();
  let regions: FixRegion[] = [];
  for (;;) {
    const scanned = await options.scan(resolve(dir, options.scanPath ?? '.'));
    const report = options.refine ? await options.refine(scanned) : scanned;
    // A file tree-sitter had to recover in is only partly understood: its fixes are not applied.
    const broken = new Set(report.stats.filesWithParseErrors);
    const loopFile = (f: Finding) => relative(dir, resolve(report.root, f.file)).split('\\').join('/');
    const offered = report.findings
      .filter((f): f is Fixable => f.fix !== undefined && f.fix.edits.length > 0)
      .filter((f) => !wanted || wanted.has(f.rule));
    const eager = (f: Fixable) => f.fix.applicability !== 'machine-applicable';
    const candidates = options.allowEager ? offered : offered.filter((f) => !eager(f));
    withheld = options.allowEager
      ? []
      : offered.filter((f) => eager(f) && !broken.has(f.file)).map((f) => fixRecord(f, loopFile(f)));
    // The scan offers no rewrite in such a file (it says so in `noFix`); count what it held back.
    const heldBack = report.findings.filter(
      (f) =>
        broken.has(f.file) &&
        (f.fix !== undefined || f.noFix !== undefined) &&
        (!wanted || wanted.has(f.rule)),
    );
    for (const f of heldBack) {
      const key = `${f.file}:${f.line}:${f.rule}`;
      if (!skippedSeen.has(key)) {
        skippedSeen.add(key);
        skippedInBrokenFiles.count++;
        skippedInBrokenFiles.example ||= `${f.file}:${f.line} [${f.rule}]`;
      }
    }
    const fixable = candidates
      .filter((f) => !broken.has(f.file))
      .filter(
        (f) =>
          !options.accept ||
          options.accept({
            rule: f.rule,
            file: loopFile(f),
            line: f.line,
            ...(f.item === undefined ? {} : { item: f.item }),
          }),
      )
      .map((f) => ({ finding: f, edits: rebase(f.fix.edits, report.root, dir) }));
    remaining = fixable.map((f) => f.finding);
    if (fixable.length === 0 || rounds >= maxRounds) break;
    rounds++;
    const { kept } = pickCompatible(fixable);
    let changed = false;
    // Each edit with the index its fix will have in `applied`, grouped by file.
    const owned = new Map<string, { edit: TextEdit; owner: number }[]>();
    kept.forEach((k, i) => {
      for (const edit of k.edits) {
        const list = owned.get(edit.file) ?? [];
        list.push({ edit, owner: applied.length + i });
        owned.set(edit.file, list);
      }
    });
    for (const [file, list] of owned) {
      const path = resolve(dir, file);
      const bytes = readFileSync(path);
      if (!originals.has(file)) originals.set(file, bytes);
      const before = decodeSource(file, bytes);
      const edits = list.map((o) => o.edit);
      const after = applyEdits(before.text, edits);
      if (after !== before.text) {
        writeFileSync(path, encodeSource({ ...before, text: after }));
        changed = true;
      }
      const sorted = sortAndCheck(before.text, edits);
      const owners = sorted.map((e) => list.find((o) => o.edit === e)!.owner);
      regions = moveRegions(regions, file, before.text, sorted, owners);
    }
    for (const { finding, edits } of kept) {
      applied.push({
        ...fixRecord(finding, loopFile(finding)),
        files: [...new Set(edits.map((e) => e.file))],
        round: rounds,
      });
    }
    // A fix that changes nothing would be offered again forever.
    if (!changed) break;
  }
  return { applied, rounds, remaining, withheld, originals, skippedInBrokenFiles, regions };
}
