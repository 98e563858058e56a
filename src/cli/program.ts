import { Command, CommanderError } from 'commander';
import { UserError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { EXIT_ERROR } from './exit-codes.ts';

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: a run compiles only the command it runs (the bundle is split
 * along these imports), which is most of a warm `scan`'s start-up. In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./commands/scan.ts')).registerScan,
  analyze: async () => (await import('./commands/analyze.ts')).registerAnalyze,
  fix: async () => (await import('./commands/fix.ts')).registerFix,
  savings: async () => (await import('./commands/savings.ts')).registerSavings,
  diff: async () => (await import('./commands/diff.ts')).registerDiff,
  check: async () => (await import('./commands/check.ts')).registerCheck,
  survey: async () => (await import('./commands/survey.ts')).registerSurvey,
  compare: async () => (await import('./commands/compare.ts')).registerCompare,
  lsp: async () => (await import('./commands/lsp.ts')).registerLsp,
};

/**
 * The program with the command `argv` names, or with every command when it names none it knows (help,
 * --version, a typo that commander answers with a suggestion).
 */
export async function buildProgram(name: string, argv: readonly string[] = []): Promise<Command> {
  const program = new Command(name)
    .description('See what async costs your Rust crate, per async fn, and cut it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const first = argv.find((a) => !a.startsWith('-'));
  const names = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const register of registers) register(program);
  return program;
}

/** Runs the CLI and returns the exit code; all user-facing errors are printed rustc-style. */
export async function run(name: string, argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(name, argv);
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
