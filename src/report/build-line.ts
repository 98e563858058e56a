// The one line every analysis output opens with: what built the numbers. Layouts depend on the profile and
// the compiler, so each format says both, and says it when the preferred nightly was not what built them.
import type { AnalysisReport } from '../model/report.ts';

export function describeBuild(b: AnalysisReport['build']): string {
  // What built the numbers comes first; why it was not the preferred nightly comes after, as a reason, so the
  // line does not read as if the analysis had failed.
  const cg = b.codegen;
  const settings = cg
    ? ` (opt-level ${cg.optLevel}${cg.debugAssertions ? ', debug assertions' : ''}${cg.rustflags.length ? `, RUSTFLAGS ${cg.rustflags.join(' ')}` : ''}; the machine code of a plain cargo build)`
    : '';
  let line = `profile ${b.profile}${settings}, ${b.toolchain}`;
  if (b.bootstrap) line += ' (stable with RUSTC_BOOTSTRAP=1)';
  if (b.target) line += `, target ${b.target}`;
  if (b.fallback) line += ` (used instead of ${b.fallback.toolchain}, which could not build the crate)`;
  return line;
}
