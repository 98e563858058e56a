// A measured before/after for one rustc flag: the same analysis built a second time with the flag added,
// compared per item (machine code, panic sites) and for the whole artifact's `.text`. This is how
// `--measure-async-panic` turns the panic-site estimate into a measurement on a nightly that has
// `-Zasync-panic` (rust-lang/compiler-team#1016).

import { runCommand } from '../cargo/toolchain.ts';
import { UserError } from '../errors.ts';
import type { AnalysisReport } from '../model/report.ts';
import { type AnalyzeOptions, analyze } from './index.ts';
import { itemKey } from './item-keys.ts';

export const ASYNC_PANIC_FLAG = '-Zasync-panic=false';

export interface FlagDelta {
  flags: string[];
  /** `.text` of the artifact without and with the flags. */
  textBytes: { before: number; after: number } | null;
  /** What the panic-site count predicted (bytes of call sites), for comparison with the measurement. */
  estimatedPanicBytes: number;
  items: { crate: string; name: string; codeBefore: number | null; codeAfter: number | null }[];
}

function artifactText(r: AnalysisReport): number | undefined {
  return r.crates.find((c) => c.textBytes !== undefined)?.textBytes;
}

/** Compares two analyses of the same crate, the second built with `flags`. Items match by crate + name + kind. */
export function compareFlagBuilds(before: AnalysisReport, after: AnalysisReport, flags: string[]): FlagDelta {
  const afterByKey = new Map(after.items.map((i) => [itemKey(i), i]));
  const b = artifactText(before);
  const a = artifactText(after);
  return {
    flags,
    textBytes: b !== undefined && a !== undefined ? { before: b, after: a } : null,
    estimatedPanicBytes: before.items.reduce((n, i) => n + (i.panicSites?.bytes ?? 0), 0),
    items: before.items.map((i) => ({
      crate: i.crate,
      name: i.name,
      codeBefore: i.code?.codeBytes ?? null,
      codeAfter: afterByKey.get(itemKey(i))?.code?.codeBytes ?? null,
    })),
  };
}

/** Runs the variant build and compares it with `before` (which must come from the same options). */
export async function measureFlagDelta(
  options: AnalyzeOptions,
  before: AnalysisReport,
  flags: string[],
): Promise<FlagDelta> {
  const after = await analyze({ ...options, extraRustflags: [...(options.extraRustflags ?? []), ...flags] });
  return compareFlagBuilds(before, after, flags);
}

/** Fails with an explanation unless the rustup nightly accepts `-Zasync-panic`. */
export async function requireAsyncPanicFlag(): Promise<void> {
  const help = await runCommand('rustc', ['+nightly', '-Z', 'help']);
  if (!help.ok) {
    throw new UserError(
      '--measure-async-panic needs a nightly toolchain, and `rustc +nightly -Z help` failed',
      'install one with `rustup toolchain install nightly`',
    );
  }
  if (!/\basync-panic\b/.test(help.stdout)) {
    const version = (await runCommand('rustc', ['+nightly', '--version'])).stdout.trim();
    throw new UserError(
      `${version || 'the installed nightly'} does not accept -Zasync-panic (rust-lang/compiler-team#1016), so the saving cannot be measured`,
      'the panic-site estimate (`panicSites` per item) is shown without this flag; a newer nightly may have the option',
    );
  }
}
