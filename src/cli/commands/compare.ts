// `asyncbloat compare [PATH]`: two builds of the same tree that differ in toolchain, rustflags or profile,
// compared per item and per crate (the `savings` document's shape). `--async-panic` is the preset that
// measures -Zasync-panic=false (compiler-team#1016) on a nightly that has it.
import type { Command } from 'commander';
import { ASYNC_PANIC_FLAG, requireAsyncPanicFlag } from '../../analyze/flag-delta.ts';
import { type CompareSide, compareBuilds, splitFlags } from '../../compare/compare.ts';
import { UserError } from '../../errors.ts';
import { type ColorChoice, outputColors } from '../../report/colors.ts';
import { renderCompareHtml, renderCompareHuman, renderCompareMarkdown } from '../../report/compare.ts';
import { addCargoFlags, type CargoFlagValues, toBuildOptions } from '../cargo-flags.ts';
import { checkOutputPath, emit, parseColor, parseFormat, terminalWidth } from '../output.ts';
import { writeToolchainNotes } from '../toolchain-notes.ts';

const FORMATS = ['human', 'json', 'markdown', 'html'] as const;

interface CompareCliOptions extends CargoFlagValues {
  baseToolchain?: string;
  headToolchain?: string;
  baseRustflags?: string;
  headRustflags?: string;
  baseProfile?: string;
  headProfile?: string;
  asyncPanic?: boolean;
  format: (typeof FORMATS)[number];
  output?: string;
  color: ColorChoice;
}

function side(toolchain?: string, rustflags?: string, profile?: string): CompareSide {
  const s: CompareSide = {};
  if (toolchain) s.toolchain = toolchain;
  if (rustflags) s.rustflags = splitFlags(rustflags);
  if (profile === 'release') s.release = true;
  else if (profile) s.profile = profile;
  return s;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description(
      'build the crate twice (toolchain, rustflags or profile differ) and compare every async item',
    )
    .argument('[path]', 'crate or workspace directory (or use --manifest-path)');
  addCargoFlags(cmd)
    .option(
      '--base-toolchain <name>',
      'rustup toolchain of the base side (e.g. stable, nightly, a linked stage1)',
    )
    .option('--head-toolchain <name>', 'rustup toolchain of the head side')
    .option('--base-rustflags <flags>', 'rustc flags added on the base side (e.g. "-C panic=abort")')
    .option('--head-rustflags <flags>', 'rustc flags added on the head side')
    .option('--base-profile <name>', 'cargo profile of the base side')
    .option('--head-profile <name>', 'cargo profile of the head side')
    .option(
      '--async-panic',
      `preset: the installed nightly without and with ${ASYNC_PANIC_FLAG} (compiler-team#1016)`,
    )
    .option('--format <format>', FORMATS.join(' | '), (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action(async (path: string | undefined, opts: CompareCliOptions) => {
      checkOutputPath(opts.output);
      let base = side(opts.baseToolchain, opts.baseRustflags, opts.baseProfile);
      let head = side(opts.headToolchain, opts.headRustflags, opts.headProfile);
      if (opts.asyncPanic) {
        await requireAsyncPanicFlag();
        base = { ...base, toolchain: base.toolchain ?? 'nightly' };
        head = {
          ...head,
          toolchain: head.toolchain ?? 'nightly',
          rustflags: [...(head.rustflags ?? []), ASYNC_PANIC_FLAG],
        };
      }
      if (JSON.stringify(base) === JSON.stringify(head)) {
        throw new UserError(
          'the two sides are the same build',
          'set what differs: --base-toolchain/--head-toolchain, --base-rustflags/--head-rustflags or --base-profile/--head-profile',
        );
      }
      const result = await compareBuilds({ ...toBuildOptions(opts, path) }, base, head);
      writeToolchainNotes(result.head.build);
      const text =
        opts.format === 'json'
          ? `${JSON.stringify({ sides: result.sides, ...result.comparison, goals: result.goals }, null, 2)}\n`
          : opts.format === 'markdown'
            ? renderCompareMarkdown(result)
            : opts.format === 'html'
              ? renderCompareHtml(result)
              : renderCompareHuman(result, outputColors(opts.color, opts.output), terminalWidth(opts.output));
      emit(text, opts.output);
    });
}
