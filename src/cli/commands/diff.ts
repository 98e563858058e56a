import type { Command } from 'commander';
import { UserError } from '../errors.ts';

// Placeholder: this command is being built (see the open issue); it says so instead of pretending.
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('(not yet implemented)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError("'diff' is not implemented yet");
    });
}
