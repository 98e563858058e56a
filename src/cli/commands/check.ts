import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { analyze } from '../../analyze/index.ts';
import { checkReport } from '../../budget/check.ts';
import { knownRuleNames } from '../../budget/config.ts';
import { loadCheckConfig } from '../../budget/config-load.ts';
import { readReportFile } from '../../budget/report-file.ts';
import { readSuppressions, type Suppression } from '../../budget/suppressions.ts';
import { UserError } from '../../errors.ts';
import type { AnalysisReport, AnalyzedItem } from '../../model/report.ts';
import { renderCheckHuman } from '../../report/check-human.ts';
import { outputColors } from '../../report/colors.ts';
import { renderCheckMarkdown } from '../../report/diff-markdown.ts';
import { addCargoFlags, type CargoFlagValues, toBuildOptions } from '../cargo-flags.ts';
import { docPath } from '../docs.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../exit-codes.ts';
import { checkOutputPath, emit, parseColor, parseFormat } from '../output.ts';
import { writeToolchainNotes } from '../toolchain-notes.ts';

const FORMATS = ['human', 'json', 'markdown'] as const;

interface CheckOptions extends CargoFlagValues {
  report?: string;
  baseline?: string;
  config?: string;
  format: (typeof FORMATS)[number];
  output?: string;
  color: 'auto' | 'always' | 'never';
}

/**
 * Reads the suppression comments above every item, once per source file. Files are looked up under the
 * report's root first, then under PATH (a report made in another checkout). Comment problems (no reason,
 * unknown name) are configuration errors: exit 2 with the first one and the count.
 */
function suppressionsOf(
  report: AnalysisReport,
  path: string,
): { of: (i: AnalyzedItem) => Suppression[]; notes: string[] } {
  const known = knownRuleNames();
  const texts = new Map<string, string | undefined>();
  const byItem = new Map<AnalyzedItem, Suppression[]>();
  const problems: string[] = [];
  let missing = 0;
  let missingExample = '';
  for (const item of report.items) {
    if (!item.file || item.line === undefined) continue;
    if (!texts.has(item.file)) {
      const candidates = [resolve(report.root, item.file), resolve(path, item.file)];
      const found = candidates.find((f) => existsSync(f));
      texts.set(item.file, found ? readFileSync(found, 'utf8') : undefined);
    }
    const text = texts.get(item.file);
    if (text === undefined) {
      missing++;
      missingExample ||= item.file;
      continue;
    }
    const { suppressions, problems: p } = readSuppressions(text, item.line, known);
    byItem.set(item, suppressions);
    for (const x of p) problems.push(`${item.file}:${x.line}: ${x.message}`);
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new UserError(
      `invalid suppression comment at ${problems[0]}${more}`,
      'write `// asyncbloat: allow(future-size) reason = "why"` directly above the item',
    );
  }
  const notes =
    missing > 0
      ? [
          `source not found for ${missing} item(s) (first: ${missingExample}); their suppression comments were not read`,
        ]
      : [];
  return { of: (i) => byItem.get(i) ?? [], notes };
}

/** The directory whose Cargo.toml / asyncbloat.toml hold the budgets: PATH, or --manifest-path's directory. */
function configDir(path: string | undefined, manifestPath: string | undefined): string {
  const given = manifestPath ?? path ?? '.';
  if (!existsSync(given))
    throw new UserError(`'${given}' does not exist`, 'PATH is the crate or workspace directory');
  return statSync(given).isDirectory() ? given : dirname(given);
}

export function registerCheck(program: Command): void {
  const cmd = program
    .command('check')
    .description(
      'check future-size budgets, growth against a baseline and rule levels (exit 1 when one is broken)',
    )
    .argument('[path]', 'crate or workspace directory (where Cargo.toml / asyncbloat.toml are)');
  addCargoFlags(cmd)
    .option('--report <file>', 'check this `analyze --format json` report instead of building and analysing')
    .option('--baseline <file>', 'report of the base version, for max-growth and the diff')
    .option('--config <file>', 'read budgets from this file (asyncbloat.toml or Cargo.toml) only')
    .option('--format <format>', 'human | json | markdown', (v) => parseFormat(v, FORMATS), 'human')
    .option('-o, --output <file>', 'write the result to FILE instead of stdout')
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action(async (path: string | undefined, opts: CheckOptions) => {
      checkOutputPath(opts.output); // before a build that may take minutes
      const dir = configDir(path, opts.manifestPath);
      // Configuration and baseline first: a mistake in either must fail fast, before a long build.
      // In a workspace, each member's own configuration applies to its items, as `check MEMBER_DIR` would.
      const { config, members, notes } = await loadCheckConfig(dir, {
        ...(opts.config ? { configFile: opts.config } : {}),
        ...(opts.manifestPath ? { manifestPath: opts.manifestPath } : {}),
        ...(opts.offline ? { offline: true } : {}),
      });
      const base = opts.baseline ? readReportFile(opts.baseline) : undefined;
      const head = opts.report ? readReportFile(opts.report) : await analyze(toBuildOptions(opts, path));
      if (!opts.report) writeToolchainNotes(head.build);
      const suppressions = suppressionsOf(head, dir);
      const result = checkReport({
        head,
        ...(base ? { base } : {}),
        config,
        members,
        suppressionsFor: suppressions.of,
      });
      result.notes.unshift(...notes);
      result.notes.push(...suppressions.notes);
      if (config.sources.length === 0 && members.every((m) => m.config.sources.length === 0)) {
        result.notes.push(`no budgets configured (see ${docPath('ci.md')}); only rule levels were checked`);
      }
      const c = outputColors(opts.color, opts.output);
      const text =
        opts.format === 'json'
          ? JSON.stringify(result, null, 2)
          : opts.format === 'markdown'
            ? renderCheckMarkdown(result)
            : renderCheckHuman(result, c);
      emit(text, opts.output);
      process.exitCode = result.passed ? EXIT_OK : EXIT_FINDINGS;
    });
}
