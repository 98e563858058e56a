import type { Command } from 'commander';
import { UserError } from '../errors.ts';

// Placeholder: this command is being built (see the open issue); it says so instead of pretending.
export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('(not yet implemented)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError("'analyze' is not implemented yet");
    });
}
