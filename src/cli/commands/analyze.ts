import { join } from 'node:path';
import type { Command } from 'commander';
import { ASYNC_PANIC_FLAG, measureFlagDelta, requireAsyncPanicFlag } from '../../analyze/flag-delta.ts';
import { analyzeWithDirs } from '../../analyze/index.ts';
import { LAST_RESULT_FILE, readLastResult, saveLastResult } from '../../analyze/last-result.ts';
import { findItem, onlyLinked, SORT_KEYS, type SortKey, select } from '../../analyze/select.ts';
import { diffReports } from '../../budget/diff.ts';
import { readReportFile } from '../../budget/report-file.ts';
import { UserError } from '../../errors.ts';
import { analysisReportJson } from '../../report/analysis-json.ts';
import { renderAnalyzeTable, renderExplain, renderFlagDelta } from '../../report/analyze-human.ts';
import { type ColorChoice, outputColors } from '../../report/colors.ts';
import { DIFF_FORMATS, type DiffFormat, renderDiff } from '../../report/diff-formats.ts';
import { isSharedFormat, renderShared, SHARED_FORMATS } from '../../report/formats.ts';
import { boxThresholdFor } from '../box-threshold.ts';
import { addCargoFlags, type CargoFlagValues, toBuildOptions } from '../cargo-flags.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes.ts';
import {
  checkOutputPath,
  emit,
  parseBoxThreshold,
  parseColor,
  parseFormat,
  terminalWidth,
} from '../output.ts';
import { addRuleFlags, ruleSelection } from '../rule-flags.ts';
import { writeToolchainNotes } from '../toolchain-notes.ts';

const FORMATS = ['human', 'json', ...SHARED_FORMATS] as const;

interface AnalyzeCliOptions extends CargoFlagValues {
  format: (typeof FORMATS)[number];
  output?: string;
  sort: SortKey;
  top?: number;
  filter?: string;
  explain?: string;
  linked?: boolean;
  htmlLink?: string;
  allSymbols?: boolean;
  baseline?: string;
  measureAsyncPanic?: boolean;
  rule?: string[];
  boxThreshold?: number;
  color: ColorChoice;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description(
      "build the crate once and show, per async item, rustc's own numbers: states, MIR, future layout",
    )
    .argument('[path]', 'crate or workspace directory (or use --manifest-path)');
  addCargoFlags(cmd);
  addRuleFlags(cmd)
    .option('--format <format>', FORMATS.join(' | '), (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--sort <key>', SORT_KEYS.join(' | '), (v) => parseFormat(v, SORT_KEYS), 'size')
    .option('--top <n>', 'show only the first N items', parsePositive)
    .option('--filter <regex>', 'show only items whose name matches REGEX', parseRegex)
    .option(
      '--linked',
      'show only items with machine code in the linked artifact (hides the many unused futures of --deps)',
    )
    .option('--explain <item>', 'show one item in depth: states, what is held across each await, children')
    .option('--all-symbols', 'with --explain: list every generic code symbol, not the top functions')
    .option(
      '--baseline <file|last>',
      'instead of the table, show what changed against an earlier `--format json` report, or `last`: the result the previous analyze of this crate kept',
    )
    .option(
      '--measure-async-panic',
      'build a second time with -Zasync-panic=false (nightly) and show the measured saving next to the estimate',
    )
    .option(
      '--html-link <url>',
      'with --format markdown: link each item to the HTML report at URL (URL#item=crate::path)',
    )
    .option(
      '--box-threshold <bytes>',
      'advise where to Box::pin futures over this size (default 1 KiB)',
      parseBoxThreshold,
    )
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action(async (path: string | undefined, opts: AnalyzeCliOptions) => {
      checkOutputPath(opts.output); // before a build that may take minutes
      // Checked before the build, which may take minutes.
      if (opts.baseline !== undefined && !isDiffFormat(opts.format)) {
        throw new UserError(
          `--baseline shows a diff, which has no '${opts.format}' format`,
          `use one of: ${DIFF_FORMATS.join(', ')}`,
        );
      }
      if (opts.htmlLink !== undefined && opts.format !== 'markdown') {
        throw new UserError(
          `--html-link links the Markdown report's items; it has no effect with --format ${opts.format}`,
          'pass --format markdown, or drop --html-link',
        );
      }
      // `last`: the result the previous `analyze` kept, read before this run replaces it.
      let base =
        opts.baseline !== undefined && opts.baseline !== 'last' ? readReportFile(opts.baseline) : undefined;
      // `-Zasync-panic` exists only on (some) nightlies: both builds then use the nightly.
      if (opts.measureAsyncPanic) await requireAsyncPanicFlag();
      const analyzeOptions = {
        ...toBuildOptions(opts, path),
        ...(opts.measureAsyncPanic ? { nightly: true } : {}),
        scan: ruleSelection(opts.rule),
      };
      const boxThreshold = boxThresholdFor(opts.boxThreshold, opts.manifestPath ?? path);
      if (boxThreshold !== undefined) Object.assign(analyzeOptions, { boxThreshold });
      const { report: analysed, asyncbloatDir } = await analyzeWithDirs(analyzeOptions);
      if (opts.baseline === 'last') base = readLastResult(join(asyncbloatDir, LAST_RESULT_FILE)).report;
      const kept = saveLastResult(analysed, asyncbloatDir);
      if ('error' in kept) process.stderr.write(`warning: ${kept.error}\n`);
      const report = opts.linked ? onlyLinked(analysed) : analysed;
      writeToolchainNotes(report.build);
      for (const w of report.warnings) process.stderr.write(`warning: ${w}\n`);
      const c = outputColors(opts.color, opts.output);
      if (opts.measureAsyncPanic) {
        const delta = await measureFlagDelta(analyzeOptions, report, [ASYNC_PANIC_FLAG]);
        process.stderr.write(`${renderFlagDelta(delta)}\n`);
      }
      if (base !== undefined) {
        emit(
          renderDiff(diffReports(base, report), opts.format as DiffFormat, c, terminalWidth(opts.output)),
          opts.output,
        );
      } else if (opts.explain !== undefined) {
        const item = findItem(report.items, opts.explain);
        emit(
          opts.format === 'json'
            ? `${JSON.stringify(item, null, 2)}\n`
            : renderExplain(item, c, { allSymbols: opts.allSymbols, build: report.build, report }),
          opts.output,
        );
      } else if (isSharedFormat(opts.format)) {
        emit(
          await renderShared(report, opts.format, { top: opts.top, htmlLink: opts.htmlLink }),
          opts.output,
        );
      } else {
        const items = select(report.items, { sort: opts.sort, top: opts.top, filter: opts.filter });
        emit(
          opts.format === 'json'
            ? analysisReportJson(report)
            : renderAnalyzeTable(report, items, c, terminalWidth(opts.output)),
          opts.output,
        );
      }
      process.exitCode = report.items.some((i) => i.findings.some((f) => f.severity === 'error'))
        ? EXIT_FINDINGS
        : EXIT_OK;
    });
}

function isDiffFormat(f: string): f is DiffFormat {
  return (DIFF_FORMATS as readonly string[]).includes(f);
}

/** A bad regex is a usage error when the flags are read, not after a build of minutes. */
function parseRegex(v: string): string {
  try {
    new RegExp(v);
  } catch (e) {
    throw new UserError(`invalid --filter regex: ${(e as Error).message}`);
  }
  return v;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new UserError(`invalid value '${v}' for '--top'`, 'expected a positive whole number');
  return n;
}
