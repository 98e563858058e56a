import type { Command } from 'commander';
import { UserError } from '../errors.ts';

// Placeholder: this command is being built (see the open issue); it says so instead of pretending.
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('(not yet implemented)')
    .allowUnknownOption()
    .action(() => {
      throw new UserError("'scan' is not implemented yet");
    });
}
