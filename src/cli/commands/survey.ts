// `asyncbloat survey DIR|LIST`: `analyze` over many crates (each result cached under --out, so an
// interrupted survey resumes), then one table and one document with totals and distributions. `--shard K/N`
// splits the list for a CI matrix; `survey --merge OUT...` combines the shards' results.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { BuildOptions } from '../../cargo/build.ts';
import { UserError } from '../../errors.ts';
import { renderSurveyHuman, renderSurveyMarkdown } from '../../report/survey.ts';
import { renderSurveyHtml } from '../../report/survey-html.ts';
import { summarizeSurvey } from '../../survey/aggregate.ts';
import { listCrates, parseShard, shardOf } from '../../survey/inputs.ts';
import { type CrateResult, readResults, surveyCrates } from '../../survey/run.ts';
import { checkOutputPath, emit, parseFormat, terminalWidth } from '../output.ts';

const FORMATS = ['human', 'json', 'markdown', 'html'] as const;

interface SurveyCliOptions {
  out: string;
  shard?: string;
  merge?: boolean;
  format: (typeof FORMATS)[number];
  output?: string;
  release?: boolean;
  profile?: string;
  target?: string;
  offline?: boolean;
  nightly?: boolean;
  allFeatures?: boolean;
  targetDir?: string;
}

export function registerSurvey(program: Command): void {
  program
    .command('survey')
    .description(
      'analyze many crates and aggregate: future sizes, async share and what the async goals would save',
    )
    .argument(
      '<input...>',
      'a directory of crates or a file listing crate paths; with --merge, the --out directories of shards',
    )
    .option(
      '--out <dir>',
      'where each crate\u2019s result, the wrappers and the shared target dir go',
      'asyncbloat-survey',
    )
    .option('--shard <k/n>', 'analyse only shard K of N of the sorted crate list (for a CI matrix)')
    .option('--merge', 'combine the results in the given --out directories of shards, building nothing')
    .option('--format <format>', FORMATS.join(' | '), (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--release', 'build with the release profile')
    .option('--profile <name>', 'build with the given profile')
    .option('--target <triple>', 'build for the target triple')
    .option(
      '--all-features',
      'enable every feature each crate declares (much of a library is behind features)',
    )
    .option('--target-dir <dir>', 'cargo target dir for every crate (default: OUT/target)')
    .option('--offline', 'run cargo without accessing the network')
    .option('--nightly', 'build only with the installed rustup nightly')
    .option('--no-nightly', 'build with your own toolchain and RUSTC_BOOTSTRAP=1, never the nightly')
    .action(async (inputs: string[], opts: SurveyCliOptions) => {
      checkOutputPath(opts.output);
      let results: CrateResult[];
      if (opts.merge) {
        if (opts.shard) throw new UserError('--merge combines shards; it takes no --shard');
        results = inputs.flatMap((dir) => {
          const found = readResults(dir);
          if (found.length === 0)
            throw new UserError(
              `no survey results in '${dir}'`,
              'pass the --out directories the shards wrote',
            );
          return found;
        });
      } else {
        if (inputs.length !== 1)
          throw new UserError('survey takes one directory or list file', 'or use --merge to combine shards');
        const shard = opts.shard ? parseShard(opts.shard) : undefined;
        const listed = listCrates(inputs[0]!);
        const crates = shard ? shardOf(listed.crates, shard) : listed.crates;
        if (listed.skipped.length > 0)
          process.stderr.write(
            `note: ${listed.skipped.length} package(s) left out (e.g. ${listed.skipped[0]!.dir}: ${listed.skipped[0]!.reason})\n`,
          );
        const build: Pick<BuildOptions, 'release' | 'profile' | 'offline' | 'nightly' | 'target'> = {};
        if (opts.release) build.release = true;
        if (opts.profile) build.profile = opts.profile;
        if (opts.target) build.target = opts.target;
        if (opts.offline) build.offline = true;
        if (opts.nightly !== undefined) build.nightly = opts.nightly;
        let k = 0;
        results = await surveyCrates(crates, {
          out: resolve(opts.out),
          build,
          ...(opts.allFeatures ? { allFeatures: true } : {}),
          ...(opts.targetDir ? { targetDir: resolve(opts.targetDir) } : {}),
          onCrate: (c, state, r) => {
            if (state === 'start') k++;
            if (state === 'cached') k++;
            const where = `[${k}/${crates.length}] ${c.name} ${c.version}`;
            if (state === 'cached') process.stderr.write(`${where}: cached\n`);
            if (state === 'done')
              process.stderr.write(
                `${where}: ${r?.error ? `did not build: ${r.error}` : `${r?.report?.items.length ?? 0} async items`}\n`,
              );
          },
        });
      }
      const summary = summarizeSurvey(results);
      const sizes = results.flatMap(
        (r) => r.report?.items.flatMap((i) => (i.futureBytes === null ? [] : [i.futureBytes])) ?? [],
      );
      const text =
        opts.format === 'json'
          ? `${JSON.stringify(summary, null, 2)}\n`
          : opts.format === 'markdown'
            ? renderSurveyMarkdown(summary)
            : opts.format === 'html'
              ? renderSurveyHtml(summary, sizes)
              : renderSurveyHuman(summary, terminalWidth(opts.output));
      emit(text, opts.output);
      // Crates that did not build are results (listed with their error); only a survey where none built
      // has nothing to show.
      process.exitCode = summary.totals.crates === 0 && summary.failed.length > 0 ? 2 : 0;
    });
}
