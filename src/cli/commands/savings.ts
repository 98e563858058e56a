// `asyncbloat savings`: apply the fixes `fix --write` would apply to a scratch copy (machine-applicable ones;
// with --allow-eager the maybe-incorrect ones too), build both versions with the same cargo flags, and
// report what the fixes saved, per item and in total. The user's sources are never written.
import type { Command } from 'commander';
import { measureSavings } from '../../fix/measure-savings.ts';
import { type ColorChoice, outputColors } from '../../report/colors.ts';
import { renderSavingsHuman } from '../../report/savings-human.ts';
import { scan } from '../../scan/index.ts';
import { boxThresholdFor } from '../box-threshold.ts';
import { addCargoFlags, type CargoFlagValues, toBuildOptions } from '../cargo-flags.ts';
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

const FORMATS = ['human', 'json'] as const;

interface SavingsCliOptions extends CargoFlagValues {
  format: (typeof FORMATS)[number];
  output?: string;
  rule?: string[];
  allowEager?: boolean;
  box?: boolean;
  boxThreshold?: number;
  color: ColorChoice;
}

export function registerSavings(program: Command): void {
  const cmd = program
    .command('savings')
    .description(
      'measure what `fix --write` would save: build the crate before and after the fixes and compare',
    )
    .argument('[path]', 'crate or workspace directory (or use --manifest-path)');
  addCargoFlags(cmd);
  addRuleFlags(cmd)
    .option('--format <format>', FORMATS.join(' | '), (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option(
      '--allow-eager',
      'also apply the maybe-incorrect fixes, as `fix --write --allow-eager` (code runs at the call, not the first poll)',
    )
    .option(
      '--box',
      "apply analyze's box advice (`Box::pin` at each advised await) instead of the rules' fixes, and report each estimate beside the measured size",
    )
    .option(
      '--box-threshold <bytes>',
      'futures over this size get box advice (default 1 KiB)',
      parseBoxThreshold,
    )
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action(async (path: string | undefined, opts: SavingsCliOptions) => {
      checkOutputPath(opts.output); // before a build that may take minutes
      const build = toBuildOptions(opts, path);
      const selection = ruleSelection(opts.rule);
      const run = await measureSavings({
        build,
        scan: (p) => scan(p, { ...selection, cache: false }),
        ...(opts.allowEager ? { allowEager: true } : {}),
        ...(opts.box || opts.boxThreshold !== undefined ? { box: boxOptions(opts, path) } : {}),
      });
      writeToolchainNotes(run.before.build);
      emit(
        opts.format === 'json'
          ? `${JSON.stringify(run.savings, null, 2)}\n`
          : renderSavingsHuman(
              run.savings,
              outputColors(opts.color, opts.output),
              terminalWidth(opts.output),
            ),
        opts.output,
      );
    });
}

function boxOptions(opts: SavingsCliOptions, path: string | undefined): { threshold?: number } {
  const threshold = boxThresholdFor(opts.boxThreshold, opts.manifestPath ?? path);
  return threshold === undefined ? {} : { threshold };
}
