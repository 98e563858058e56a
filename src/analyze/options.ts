// What `analyze` takes: cargo's selection and build options, and the rules for the source scan.
import type { BuildOptions } from '../cargo/build.ts';
import type { ScanOptions } from '../scan/index.ts';

export interface AnalyzeOptions extends BuildOptions {
  /** Rule selection for the source scan. */
  scan?: ScanOptions;
  /** Futures over this many bytes get box advice (default DEFAULT_BOX_THRESHOLD). */
  boxThreshold?: number;
}
