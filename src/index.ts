// The library entry: `import { scan } from "asyncbloat"`.

export { analyze, analyzeBuild } from './analyze/index.ts';
export { checkReport } from './budget/check.ts';
export { loadBudgetConfig } from './budget/config-load.ts';
export { diffReports } from './budget/diff.ts';
export type * from './model/async-item.ts';
export type * from './model/finding.ts';
export type * from './model/report.ts';
export { SCHEMA_VERSION } from './model/report.ts';
export type * from './model/source.ts';
export { type ScanOptions, scan } from './scan/index.ts';
