// What the user is told about the compiler that built their crate: said once per run, on stderr, in
// rustc's `warning:` / `note:` style. The numbers depend on the compiler, so a silent switch would be a lie.
import type { AnalysisReport } from '../model/report.ts';

export function toolchainNotes(build: AnalysisReport['build']): string[] {
  if (build.fallback) {
    return [
      `warning: ${build.fallback.toolchain} could not build this crate (${build.fallback.reason}); built with ${build.toolchain}${build.bootstrap ? ' and RUSTC_BOOTSTRAP=1' : ''} instead`,
      build.fallback.rememberedIn
        ? `note: remembered from an earlier run with this nightly and Cargo.lock; delete ${build.fallback.rememberedIn} to try the nightly again, or pass --no-nightly to skip it`
        : 'note: pass --no-nightly to skip the nightly attempt, or --nightly to insist on it',
    ];
  }
  if (build.bootstrap) {
    const why = build.toolchainReason ? ` (${build.toolchainReason})` : '';
    return [`note: built with ${build.toolchain} and RUSTC_BOOTSTRAP=1 for rustc's -Z flags${why}`];
  }
  if (build.toolchainReason === 'the installed nightly') {
    return [
      `note: built with the installed nightly, ${build.toolchain}, for rustc's -Z flags; layouts can differ from your stable builds (--no-nightly builds with your toolchain)`,
    ];
  }
  return [];
}

export function writeToolchainNotes(build: AnalysisReport['build']): void {
  for (const line of toolchainNotes(build)) process.stderr.write(`${line}\n`);
}
