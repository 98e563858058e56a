import { run } from './program.ts';
import { cleanUpOnSignals } from './signals.ts';

cleanUpOnSignals();

process.exitCode = await run('asyncbloat', process.argv.slice(2));
