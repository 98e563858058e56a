import type { Command } from 'commander';
import { diffReports } from '../../budget/diff.ts';
import { readReportFile } from '../../budget/report-file.ts';
import { outputColors } from '../../report/colors.ts';
import { DIFF_FORMATS, type DiffFormat, renderDiff } from '../../report/diff-formats.ts';
import { EXIT_OK } from '../exit-codes.ts';
import { emit, parseColor, parseFormat, terminalWidth } from '../output.ts';

interface DiffOptions {
  format: DiffFormat;
  output?: string;
  color: 'auto' | 'always' | 'never';
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare two `analyze --format json` reports: what grew, shrank, appeared or vanished, per async item',
    )
    .argument('<base>', 'report of the base version (BASE.json)')
    .argument('<head>', 'report of the new version (HEAD.json)')
    .option('--format <format>', 'human | json | markdown', (v) => parseFormat(v, DIFF_FORMATS), 'human')
    .option('-o, --output <file>', 'write the diff to FILE instead of stdout')
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action((baseFile: string, headFile: string, opts: DiffOptions) => {
      const diff = diffReports(readReportFile(baseFile), readReportFile(headFile));
      const c = outputColors(opts.color, opts.output);
      emit(renderDiff(diff, opts.format, c, terminalWidth(opts.output)), opts.output);
      process.exitCode = EXIT_OK;
    });
}
