// The box-advice threshold of a run: `--box-threshold`, else `box-threshold` in the crate's asyncbloat
// configuration (docs/ci.md), else analyze's default. A configuration `check` would reject does not stop
// `analyze`: it says why the key was not read and goes on with the default.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadBudgetConfig } from '../budget/config-load.ts';
import { UserError } from '../errors.ts';

export function boxThresholdFor(flag: number | undefined, path: string | undefined): number | undefined {
  if (flag !== undefined) return flag;
  const at = resolve(path ?? '.');
  const dir = existsSync(at) && !statSync(at).isDirectory() ? dirname(at) : at;
  try {
    return loadBudgetConfig(dir).boxThreshold;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`warning: box-threshold not read from the configuration: ${e.message}\n`);
    return undefined;
  }
}
