import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { type ColorChoice, colors, outputColors } from '../../report/colors.ts';
import { renderDiagnostics, renderFileWarnings } from '../../report/diagnostics.ts';
import { isSharedFormat, renderShared, SHARED_FORMATS } from '../../report/formats.ts';
import { scanReportJson } from '../../report/json.ts';
import { renderScanList } from '../../report/scan-list.ts';
import { scan } from '../../scan/index.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes.ts';
import { emit, parseColor, parseFormat, terminalWidth } from '../output.ts';
import { addRuleFlags, ruleSelection } from '../rule-flags.ts';

const FORMATS = ['human', 'json', ...SHARED_FORMATS] as const;

interface ScanCliOptions {
  format: (typeof FORMATS)[number];
  output?: string;
  /** `+id` from --rule, `-id` from --no-rule (see cli/rule-flags.ts). */
  rule?: string[];
  color: ColorChoice;
  deny: string[];
  cache: boolean;
  tests?: boolean;
  list?: boolean;
  maxFileSize?: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerScan(program: Command): void {
  const cmd = program
    .command('scan')
    .description(
      'list every async fn, block and closure and report bloat patterns, from source (no compiler)',
    )
    .argument('[path]', 'a Rust file, a crate directory or a workspace root', '.')
    .option('--format <format>', FORMATS.join(' | '), (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .option(
      '-D, --deny <id>',
      'report this rule at error level, so it fails the run (repeatable)',
      collect,
      [],
    )
    .option('--no-cache', 'do not read or write the per-file result cache')
    .option(
      '--tests',
      'also report findings in test code (tests/, benches/, #[cfg(test)] modules, #[test] fns), as `cargo clippy --tests` lints it',
    )
    .option(
      '--max-file-size <MB>',
      'skip (and list) source files larger than this, such as generated bindings (default 10)',
      parseMegabytes,
    )
    .option(
      '--list',
      'human format: list every async item (awaits, findings, kind, location), not the diagnostics',
    );
  addRuleFlags(cmd).action(async (path: string, opts: ScanCliOptions) => {
    const levels = Object.fromEntries(opts.deny.map((id) => [id, 'error' as const]));
    const report = await scan(path, {
      ...ruleSelection(opts.rule),
      levels,
      cache: opts.cache,
      ...(opts.tests ? { tests: true } : {}),
      ...(opts.maxFileSize !== undefined ? { maxFileBytes: opts.maxFileSize * 1048576 } : {}),
    });
    // Colour only goes to a terminal unless asked for explicitly.
    process.stderr.write(renderFileWarnings(report, colors(opts.color)));
    let text: string;
    if (opts.format === 'json') text = scanReportJson(report);
    else if (isSharedFormat(opts.format)) text = await renderShared(report, opts.format);
    else if (opts.list)
      text = renderScanList(report, outputColors(opts.color, opts.output), terminalWidth(opts.output));
    else text = renderDiagnostics(report, { colors: outputColors(opts.color, opts.output) });
    emit(text, opts.output);
    process.exitCode = report.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  });
}

function parseMegabytes(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UserError(
      `invalid value '${v}' for '--max-file-size'`,
      'expected a size in MB, e.g. 10 or 0.5',
    );
  return n;
}
