// Stack frames in SARIF: a note-level result at each async item whose poll fn frame outgrows its future
// (more than twice, and over 1 KiB), so code scanning shows where a thread's stack goes. These are
// measurements, not rule findings: the rule id is a measurement's, with no fix.
import type { ReportingDescriptor, Result } from 'sarif';
import { frameOutgrowsFuture, LARGE_FRAME_ADVICE } from '../measure/stack-use.ts';
import type { AnalysisReport } from '../model/report.ts';
import { measurementDescriptor } from './sarif-measurement.ts';
import { formatBytes } from './text-table.ts';

export const LARGE_POLL_FRAME = 'large-poll-frame';

export function stackDescriptor(helpUri: string): ReportingDescriptor {
  return measurementDescriptor({
    id: LARGE_POLL_FRAME,
    name: 'LargePollFrame',
    short: 'Poll fn stack frame larger than the future',
    text: "The async item's poll fn needs a stack frame more than twice its future's size (LLVM's .stack_sizes). In a dev build each awaited future is built on the stack before it is moved into the state.",
    advice: LARGE_FRAME_ADVICE,
    helpUri,
    fixable: false,
  });
}

/** One result per item with a large poll frame; `uri` maps a report path to a SARIF URI. */
export function stackResults(
  report: AnalysisReport,
  ruleIndex: number,
  uri: (file: string) => string,
): Result[] {
  return report.items
    .filter((i) => i.stack && i.file && i.line && frameOutgrowsFuture(i.stack))
    .map((i) => {
      const s = i.stack!;
      return {
        ruleId: LARGE_POLL_FRAME,
        ruleIndex,
        level: 'note',
        message: {
          text: `polling \`${i.name}\` needs a ${formatBytes(s.pollFrameBytes)} stack frame, ${s.frameToFuture}× its ${formatBytes(i.futureBytes)} future\nhelp: ${LARGE_FRAME_ADVICE}`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uri(i.file!), uriBaseId: '%SRCROOT%' },
              region: { startLine: i.line!, ...(i.column ? { startColumn: i.column } : {}) },
            },
          },
        ],
        properties: {
          pollFrameBytes: s.pollFrameBytes,
          futureBytes: i.futureBytes,
          dropFrameBytes: s.dropFrameBytes,
          entryFrames: s.entryFrames,
        },
      } satisfies Result;
    });
}
