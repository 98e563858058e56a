// Ctrl-C, `kill` and a closed terminal end a run cleanly: the scratch copies of `fix` and `savings` are
// removed, files `fix --write` has rewritten but not yet checked are restored, and the exit code is the
// shell's for the signal (128 + its number: 130, 143, 129), as cargo's.
import { removeLiveScratchCopies } from '../fix/scratch-copy.ts';
import { rollBackLiveTransactions } from '../fix/write-files.ts';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

export function cleanUpOnSignals(): void {
  for (const [signal, number] of Object.entries(SIGNALS)) {
    process.once(signal as NodeJS.Signals, () => {
      removeLiveScratchCopies();
      const failed = rollBackLiveTransactions();
      if (failed.length > 0)
        process.stderr.write(
          `error: interrupted; could not restore ${failed.map((f) => `${f.file} (${f.error})`).join(', ')}; ` +
            'the tree may be partly rewritten\nhelp: `asyncbloat fix --undo` restores it from the fix journal\n',
        );
      process.exit(128 + number);
    });
  }
}
