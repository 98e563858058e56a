import type { Command } from 'commander';
import { renderDiagnostics, renderFileWarnings } from '../../report/diagnostics.ts';
import { scanReportJson } from '../../report/json.ts';
import { RULES } from '../../rules/index.ts';
import { scan } from '../../scan/index.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../errors.ts';
import { type ColorChoice, colors, emit, parseColor, parseFormat } from '../output.ts';

const FORMATS = ['human', 'json'] as const;

interface ScanCliOptions {
  format: (typeof FORMATS)[number];
  output?: string;
  /** `+id` from --rule, `-id` from --no-rule, in command-line order (both land on one key; see below). */
  rule?: string[];
  color: ColorChoice;
  cache: boolean;
}

// commander files `--no-rule` under the same key as `--rule` (it reads `--no-` as negation), so both
// parsers append to one list and mark which flag each id came from.
const signed = (sign: '+' | '-') => (value: string, previous: unknown) => [
  ...(Array.isArray(previous) ? previous : []),
  `${sign}${value}`,
];

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description(
      'list every async fn, block and closure and report bloat patterns, from source (no compiler)',
    )
    .argument('[path]', 'a Rust file, a crate directory or a workspace root', '.')
    .option('--format <format>', 'human | json', (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--rule <id>', 'run only this rule (repeatable)', signed('+'))
    .option('--no-rule <id>', 'do not run this rule (repeatable)', signed('-'))
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .option('--no-cache', 'do not read or write the per-file result cache')
    .addHelpText(
      'after',
      `\nRules:\n${RULES.map((r) => `  ${r.meta.id.padEnd(22)} ${r.meta.description}`).join('\n')}`,
    )
    .action(async (path: string, opts: ScanCliOptions) => {
      const flags = opts.rule ?? [];
      const only = flags.filter((f) => f.startsWith('+')).map((f) => f.slice(1));
      const skip = flags.filter((f) => f.startsWith('-')).map((f) => f.slice(1));
      const report = await scan(path, { rules: only, disable: skip, cache: opts.cache });
      // Colour only goes to a terminal unless asked for explicitly.
      const choice = opts.output && opts.output !== '-' && opts.color === 'auto' ? 'never' : opts.color;
      const c = colors(choice);
      process.stderr.write(renderFileWarnings(report, colors(opts.color)));
      emit(
        opts.format === 'json' ? scanReportJson(report) : renderDiagnostics(report, { colors: c }),
        opts.output,
      );
      process.exitCode = report.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
    });
}
