// `asyncbloat fix`: the rewrites the rules offer, as unified diffs (default) or written into the crate with
// cargo fix's safety rules (--write): refuse on a dirty tree or without VCS, write atomically, `cargo check`
// afterwards and restore every file if it fails. The plan itself is checked on a scratch copy first, so the
// diffs shown are ones that compile; a fix that does not is left out and named with rustc's error.
// Fixes are machine-applicable (they cannot change behaviour) or maybe-incorrect (code moves from the first
// poll to the call): the dry run shows both, marking the second kind; --write applies only the first unless
// --allow-eager is given, and says which it left out and why.
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { BOX_PIN_RULE, boxFixScan } from '../../fix/box-pin.ts';
import type { WithheldFix } from '../../fix/fix-loop.ts';
import {
  checkWritable,
  fixHeader,
  planFixes,
  renderDiffs,
  undoLastFix,
  unfinishedFix,
  unfinishedFixHelp,
  unfinishedFixText,
  writePlan,
} from '../../fix/plan.ts';
import { NotUtf8Error } from '../../fix/source-text.ts';
import type { CheckTargets } from '../../fix/verify.ts';
import type { Finding } from '../../model/finding.ts';
import { type ColorChoice, type Colors, colors } from '../../report/colors.ts';
import { scan } from '../../scan/index.ts';
import { boxThresholdFor } from '../box-threshold.ts';
import { parseBoxThreshold, parseColor } from '../output.ts';
import { addRuleFlags, ruleSelection } from '../rule-flags.ts';

interface FixCliOptions {
  rule?: string[];
  write?: boolean;
  undo?: boolean;
  allowEager?: boolean;
  allowDirty?: boolean;
  allowNoVcs?: boolean;
  verify: boolean;
  box?: boolean;
  boxThreshold?: number;
  color: ColorChoice;
}

function colorDiff(diff: string, c: Colors): string {
  return diff
    .split('\n')
    .map((l) => {
      if (l.startsWith('#')) return c.dim(l);
      if (l.startsWith('---') || l.startsWith('+++')) return c.bold(l);
      if (l.startsWith('@@')) return c.cyan(l);
      if (l.startsWith('+')) return c.green(l);
      if (l.startsWith('-')) return c.red(l);
      return l;
    })
    .join('\n');
}

/** `cargo check` passed, and with which targets when not all of them. */
const checkPassed = (targets: CheckTargets | undefined) =>
  targets === 'default' ? '`cargo check` (libs and bins) passed' : '`cargo check` passed';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : word.endsWith('x') ? 'es' : 's'}`;

/** What `--write` left out because it may change behaviour: a note and one line per fix with its caveat. */
function withheldNote(withheld: readonly WithheldFix[], c: Colors): string {
  const lines = withheld.map(
    (w) => `  ${w.rule}: ${w.description} (${w.file}:${w.line})${w.caveat ? `: ${w.caveat}` : ''}`,
  );
  return (
    `${c.bold('note')}: ${plural(withheld.length, 'fix')} not applied because ${withheld.length === 1 ? 'it' : 'they'} ` +
    (withheld.every((w) => w.rule === BOX_PIN_RULE)
      ? 'may change behaviour (each adds a heap allocation where the future was inline); `asyncbloat fix --box` shows '
      : 'may change behaviour (code would run at the call instead of the first poll); `asyncbloat fix` shows ') +
    `${withheld.length === 1 ? 'it' : 'them'}, --allow-eager applies ${withheld.length === 1 ? 'it' : 'them'}:\n${lines.join('\n')}\n`
  );
}

export function registerFix(program: Command): void {
  const cmd = program
    .command('fix')
    .description('rewrite the patterns the rules find; prints unified diffs, --write applies them')
    .argument('[path]', 'crate directory, or a file or directory inside it to limit the fixes to', '.');
  addRuleFlags(cmd)
    .option('--write', 'apply the machine-applicable fixes to the files (default: print all fixes as diffs)')
    .option(
      '--undo',
      'restore the files the last `fix --write` rewrote (also one cut short), from its journal in the target dir',
    )
    .option(
      '--allow-eager',
      'also apply the maybe-incorrect fixes, which make code run at the call instead of the first poll',
    )
    .option('--allow-dirty', 'with --write: fix even if the working directory has uncommitted changes')
    .option('--allow-no-vcs', 'with --write: fix even if the crate is not under version control')
    .option('--no-verify', 'do not `cargo check` the rewritten crate (the plan on a copy, and after --write)')
    .option(
      '--box',
      "build the crate and offer analyze's box advice as rewrites (`Box::pin` at each advised await) instead of the rules' fixes; each adds a heap allocation, so --write applies them only with --allow-eager",
    )
    .option(
      '--box-threshold <bytes>',
      'with --box: futures over this size get advice (default 1 KiB)',
      parseBoxThreshold,
    )
    .option('--color <when>', 'auto | always | never', parseColor, 'auto')
    .action(async (path: string, opts: FixCliOptions) => {
      if (opts.undo) return undo(path, opts);
      const selection = ruleSelection(opts.rule);
      if (opts.box && existsSync(path) && !statSync(path).isDirectory())
        throw new UserError(
          `fix --box takes a crate directory, not the file '${path}'`,
          'the advice comes from building the whole crate',
        );
      const c = colors(opts.color);
      let plan: Awaited<ReturnType<typeof planFixes>>;

      // A fix cut short is named before anything else (its files make the tree dirty); --write refuses to
      // start over it, a dry run warns.
      const unfinished = await unfinishedFix(path);
      if (unfinished && !unfinished.running) {
        if (opts.write) throw new UserError(unfinishedFixText(unfinished), unfinishedFixHelp(unfinished));
        process.stderr.write(
          `${c.yellow('warning')}: ${unfinishedFixText(unfinished)}\n${c.bold('help')}: ${unfinishedFixHelp(unfinished)}\n`,
        );
      }
      // As cargo fix: refuse a dirty tree before building anything (the checks build into target/).
      if (opts.write)
        await checkWritable(path, {
          allowDirty: opts.allowDirty === true,
          allowNoVcs: opts.allowNoVcs === true,
        });
      try {
        // The dry run shows every fix, the maybe-incorrect ones marked; --write applies what it may.
        const boxScan = opts.box
          ? await boxFixScan(path, boxThresholdOption(boxThresholdFor(opts.boxThreshold, path)))
          : undefined;
        plan = await planFixes({
          path,
          scan: boxScan ?? ((p) => scan(p, { ...selection, cache: false })),
          verify: opts.verify,
          allowEager: !opts.write || opts.allowEager === true,
        });
      } catch (e) {
        if (e instanceof NotUtf8Error) throw new UserError(e.message);
        throw e;
      }
      const files = plural(plan.changes.length, 'file');
      const fixes = plural(plan.applied.length, 'fix');
      if (plan.remaining.length > 0) {
        process.stderr.write(
          `${c.yellow('warning')}: ${plural(plan.remaining.length, 'fixable finding')} left after ${plan.rounds} rounds ` +
            `(first: ${plan.remaining[0]!.file}:${plan.remaining[0]!.line} [${plan.remaining[0]!.rule}])\n`,
        );
      }
      const skipped = plan.skippedInBrokenFiles;
      if (skipped.count > 0) {
        process.stderr.write(
          `${c.yellow('warning')}: ${plural(skipped.count, 'fix')} not applied in files with syntax errors ` +
            `(first: ${skipped.example})\n`,
        );
      }
      for (const d of plan.dropped) {
        process.stderr.write(
          `${c.yellow('warning')}: not applied: ${d.reason}\n  ${fixHeader(d.fix, opts.allowEager === true)}\n` +
            `${d.detail.replace(/^/gm, '  | ')}\n`,
        );
      }
      if (plan.verification.status === 'unverifiable') {
        process.stderr.write(
          `${c.yellow('warning')}: the fixes could not be checked with \`cargo check\`: ${plan.verification.note ?? ''}\n`,
        );
      } else if (plan.verification.note) {
        process.stderr.write(`${c.bold('note')}: ${plan.verification.note}\n`);
      }
      // As cargo fix names what it leaves: the findings no rewrite can handle, each with why.
      // A finding the loop fixed another way (dropping `async` at the callers) is not among them.
      const handled = new Set(
        [...plan.applied, ...plan.withheld].map((f) => `${f.rule}\0${f.item ?? f.line}`),
      );
      const unfixable = (opts.box ? [] : (await scan(path, { ...selection, cache: false })).findings).filter(
        (f) => f.noFix && !handled.has(`${f.rule}\0${f.item ?? f.line}`),
      );
      if (unfixable.length > 0) process.stderr.write(unfixableNote(unfixable, c));
      if (plan.changes.length === 0) {
        if (plan.withheld.length > 0) process.stderr.write(withheldNote(plan.withheld, c));
        process.stderr.write(`nothing to fix${plan.withheld.length > 0 ? ' without --allow-eager' : ''}\n`);
        return;
      }
      if (!opts.write) {
        process.stdout.write(colorDiff(renderDiffs(plan, opts.allowEager === true), c));
        const checked =
          plan.verification.status === 'passed'
            ? `, ${checkPassed(plan.verification.targets)} on a copy`
            : '';
        const eager = plan.applied.filter((f) => f.applicability !== 'machine-applicable').length;
        const which =
          eager === 0
            ? ''
            : opts.allowEager
              ? ` (${eager} of them may change behaviour)`
              : ` (${eager} that may change behaviour only with --allow-eager)`;
        process.stderr.write(`${fixes} in ${files}${checked}; run with --write to apply${which}\n`);
        return;
      }
      const checked = await writePlan(plan, {
        allowDirty: opts.allowDirty === true,
        allowNoVcs: opts.allowNoVcs === true,
        verify: opts.verify,
      });
      // The dry run's note (printed above) already says why the default targets were checked.
      if (checked?.note) process.stderr.write(`${c.bold('note')}: ${checked.note}\n`);
      process.stderr.write(
        `${c.green('fixed')}: ${fixes} in ${files}${checked ? `, ${checkPassed(checked.targets)}` : ''}\n`,
      );
      if (plan.withheld.length > 0) process.stderr.write(withheldNote(plan.withheld, c));
    });
}

/** `fix --undo`: what was restored, and the files left because they were edited since the fix. */
async function undo(path: string, opts: FixCliOptions): Promise<void> {
  if (opts.write || opts.box || opts.rule)
    throw new UserError('--undo takes no other fix options', 'run `asyncbloat fix --undo [path]` on its own');
  const c = colors(opts.color);
  const result = await undoLastFix(path);
  const last = result.state === 'done' ? 'the last fix' : 'the fix that was cut short';
  for (const f of result.restored) process.stderr.write(`${c.green('restored')} ${f}\n`);
  if (result.changed.length > 0)
    throw new UserError(
      `${result.changed.length} file(s) of ${last} were edited since, or are gone, and were left as they are: ` +
        `${result.changed.join(', ')}${result.restored.length > 0 ? `; ${plural(result.restored.length, 'file')} restored` : ''}`,
      'restore them by hand (the originals are in the journal) or from version control',
    );
  process.stderr.write(
    result.restored.length === 0
      ? `nothing to restore: the files of ${last} are already as they were\n`
      : `${plural(result.restored.length, 'file')} of ${last} restored\n`,
  );
}

/** The findings `fix` leaves alone because no rewrite applies, with the reason; the first ten, then a count. */
function unfixableNote(findings: Finding[], c: Colors): string {
  const shown = findings.slice(0, 10).map((f) => `  ${f.file}:${f.line} [${f.rule}] ${f.noFix}\n`);
  const more =
    findings.length > 10 ? `  ... and ${findings.length - 10} more (\`asyncbloat scan\` lists them)\n` : '';
  return `${c.bold('note')}: ${findings.length} finding${findings.length === 1 ? ' has' : 's have'} no automatic fix:\n${shown.join('')}${more}`;
}

const boxThresholdOption = (t: number | undefined) => (t === undefined ? {} : { boxThreshold: t });
