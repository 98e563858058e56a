// The one line every analysis output opens with: what built the numbers. Layouts depend on the profile and
// the compiler, so each format says both, and says it when the preferred nightly was not what built them.
import type { AnalysisReport } from '../model/report.ts';

export function describeBuild(b: AnalysisReport['build']): string {
  let line = `profile ${b.profile}, ${b.toolchain}`;
  if (b.bootstrap) line += ' (stable with RUSTC_BOOTSTRAP=1)';
  if (b.fallback) line += `: ${b.fallback.toolchain} could not build the crate`;
  if (b.target) line += `, target ${b.target}`;
  return line;
}
