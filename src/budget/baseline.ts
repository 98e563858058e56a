// `asyncbloat analyze --baseline BASE.json`: the analyze command calls this with the report it just made.
import type { AnalysisReport } from '../model/report.ts';
import { diffReports, type ReportDiff } from './diff.ts';
import { readReportFile } from './report-file.ts';

/** Reads and validates BASE.json (UserError naming the file when it cannot) and diffs `head` against it. */
export function applyBaseline(head: AnalysisReport, baseFile: string): ReportDiff {
  return diffReports(readReportFile(baseFile), head);
}
