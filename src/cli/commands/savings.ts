import type { Command } from 'commander';
import { UserError } from '../errors.ts';

// Placeholder: this command is being built (see the open issue); it says so instead of pretending.
export function registerSavings(program: Command): void {
  program
    .command('savings')
    .description('(not yet implemented)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError("'savings' is not implemented yet");
    });
}
