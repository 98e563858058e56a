// `cargo asyncbloat scan` runs `cargo-asyncbloat asyncbloat scan`: cargo passes the subcommand name first.
import { run } from './program.ts';
import { cleanUpOnSignals } from './signals.ts';

cleanUpOnSignals();

const args = process.argv.slice(2);
if (args[0] === 'asyncbloat') args.shift();
process.exitCode = await run('cargo asyncbloat', args);
