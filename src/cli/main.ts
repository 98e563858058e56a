import { run } from './program.ts';

process.exitCode = await run('asyncbloat', process.argv.slice(2));
