import { renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { parseByteSize } from '../budget/units.ts';
import { UserError } from '../errors.ts';
import type { ColorChoice } from '../report/colors.ts';

export function parseColor(value: string): ColorChoice {
  if (value === 'auto' || value === 'always' || value === 'never') return value;
  throw new UserError(`invalid value '${value}' for '--color'`, 'possible values: auto, always, never');
}

/** `--box-threshold`: bytes, as budgets write them (`1024`, `"2 KiB"`). */
export function parseBoxThreshold(value: string): number {
  const n = parseByteSize(/^\d+$/.test(value) ? Number(value) : value);
  if (n === null)
    throw new UserError(
      `invalid value '${value}' for '--box-threshold'`,
      'write bytes: 1024, "2 KiB", "1 MiB"',
    );
  return n;
}

export function parseFormat<T extends string>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`unknown output format '${value}'`, `possible values: ${allowed.join(', ')}`);
}

/**
 * Fails now, not after a build of minutes, when `-o FILE` cannot be written: its directory must exist and
 * FILE must not be a directory. (Permissions are left to the write itself.)
 */
export function checkOutputPath(outFile?: string): void {
  if (!outFile || outFile === '-') return;
  const dir = statSync(dirname(resolve(outFile)), { throwIfNoEntry: false });
  if (!dir?.isDirectory()) {
    throw new UserError(
      `cannot write '${outFile}': the directory ${dirname(resolve(outFile))} does not exist`,
      'create it first, or pass another -o path',
    );
  }
  if (statSync(outFile, { throwIfNoEntry: false })?.isDirectory()) {
    throw new UserError(`cannot write '${outFile}': it is a directory`, 'pass a file name with -o');
  }
}

/**
 * The terminal's width for tables, when the output goes to a terminal (as cargo fits its output there and
 * not in a pipe or file); undefined otherwise, and tables are not cut.
 */
export function terminalWidth(outFile?: string): number | undefined {
  if (outFile && outFile !== '-') return undefined;
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

/** Writes a report to `-o FILE` atomically (temp file + rename), or to stdout. */
export function emit(text: string, outFile?: string): void {
  if (!outFile || outFile === '-') {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  try {
    // A device, FIFO or other special file (`/dev/null`, `/dev/stdout`) is written to, never replaced.
    const existing = statSync(outFile, { throwIfNoEntry: false });
    if (existing && !existing.isFile()) {
      writeFileSync(outFile, text);
      return;
    }
    const tmp = join(dirname(outFile), `.${basename(outFile)}.${process.pid}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, outFile);
  } catch (e) {
    throw new UserError(`cannot write '${outFile}': ${(e as Error).message}`);
  }
}
