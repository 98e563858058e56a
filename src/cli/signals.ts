// Ctrl-C, `kill` and a closed terminal end a run cleanly: the scratch copies of `fix` and `savings` are
// removed, and the exit code is the shell's for the signal (128 + its number: 130, 143, 129), as cargo's.
import { removeLiveScratchCopies } from '../fix/scratch-copy.ts';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

export function cleanUpOnSignals(): void {
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.once(signal as NodeJS.Signals, () => {
      removeLiveScratchCopies();
      process.exit(128 + number);
    });
  }
}
