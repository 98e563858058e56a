import type { Command } from 'commander';
import { UserError } from '../errors.ts';

// Placeholder: this command is being built (see the open issue); it says so instead of pretending.
export function registerFix(program: Command): void {
  program
    .command('fix')
    .description('(not yet implemented)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError("'fix' is not implemented yet");
    });
}
