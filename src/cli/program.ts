import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerCheck } from './commands/check.ts';
import { registerCompare } from './commands/compare.ts';
import { registerDiff } from './commands/diff.ts';
import { registerFix } from './commands/fix.ts';
import { registerLsp } from './commands/lsp.ts';
import { registerSavings } from './commands/savings.ts';
import { registerScan } from './commands/scan.ts';
import { registerSurvey } from './commands/survey.ts';
import { EXIT_ERROR } from './exit-codes.ts';

export function buildProgram(name: string): Command {
  const program = new Command(name)
    .description('See what async costs your Rust crate, per async fn, and cut it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of [
    registerScan,
    registerAnalyze,
    registerFix,
    registerSavings,
    registerDiff,
    registerCheck,
    registerSurvey,
    registerCompare,
    registerLsp,
  ]) {
    register(program);
  }
  return program;
}

/** Runs the CLI and returns the exit code; all user-facing errors are printed rustc-style. */
export async function run(name: string, argv: string[]): Promise<number> {
  const program = buildProgram(name);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and --version exit through here with code 0; usage errors were already printed.
      return e.exitCode === 0 ? 0 : EXIT_ERROR;
    }
    if (e instanceof UserError) {
      process.stderr.write(`error: ${e.message}\n`);
      if (e.help) process.stderr.write(`  = help: ${e.help}\n`);
      return EXIT_ERROR;
    }
    process.stderr.write(
      `error: internal error in asyncbloat (this is a bug, please report it)\n${(e as Error).stack}\n`,
    );
    return EXIT_ERROR;
  }
}
