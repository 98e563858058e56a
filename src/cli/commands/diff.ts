import type { Command } from 'commander';
import { diffReports } from '../../budget/diff.ts';
import { renderDiffMarkdown } from '../../budget/diff-markdown.ts';
import { readReportFile } from '../../budget/report-file.ts';
import { renderDiffHuman } from '../../report/diff-human.ts';
import { EXIT_OK } from '../errors.ts';
import { colors, emit, parseColor, parseFormat } from '../output.ts';

const FORMATS = ['human', 'json', 'markdown'] as const;

interface DiffOptions {
  format: (typeof FORMATS)[number];
  output?: string;
  color: 'auto' | 'always' | 'never';
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'Compare two `analyze --format json` reports: what grew, shrank, appeared or vanished, per async item',
    )
    .argument('<base>', 'report of the base version (BASE.json)')
    .argument('<head>', 'report of the new version (HEAD.json)')
    .option('--format <format>', 'human | json | markdown', (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the diff to FILE instead of stdout')
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action((baseFile: string, headFile: string, opts: DiffOptions) => {
      const diff = diffReports(readReportFile(baseFile), readReportFile(headFile));
      // A file is never coloured, whatever the terminal says.
      const c = colors(opts.output && opts.output !== '-' ? 'never' : opts.color);
      const text =
        opts.format === 'json'
          ? JSON.stringify(diff, null, 2)
          : opts.format === 'markdown'
            ? renderDiffMarkdown(diff)
            : renderDiffHuman(diff, c);
      emit(text, opts.output);
      process.exitCode = EXIT_OK;
    });
}
