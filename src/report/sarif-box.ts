// Box advice in SARIF: a note at each await the advice boxes, with the estimate. Like the stack frames,
// a measurement's result, not a rule's finding; `fix --box` has the rewrite.
import type { ReportingDescriptor, Result } from 'sarif';
import type { AnalysisReport } from '../model/report.ts';
import { BOX_ESTIMATE_NOTE } from './box-text.ts';
import { measurementDescriptor } from './sarif-measurement.ts';
import { formatBytes } from './text-table.ts';

export const BOX_PIN = 'box-pin';

export function boxDescriptor(helpUri: string): ReportingDescriptor {
  return measurementDescriptor({
    id: BOX_PIN,
    name: 'BoxPin',
    short: 'Box this awaited future',
    text: 'Boxing the future awaited here (`Box::pin(<future>).await`) shrinks the awaiting future most: its awaiter then holds a pointer.',
    advice: BOX_ESTIMATE_NOTE,
    helpUri,
    fixable: true,
  });
}

export function boxResults(
  report: AnalysisReport,
  ruleIndex: number,
  uri: (file: string) => string,
): Result[] {
  return report.items.flatMap((item) =>
    (item.boxAdvice?.boxes ?? []).flatMap((b): Result[] => {
      if (b.file === undefined || b.line === undefined) return [];
      return [
        {
          ruleId: BOX_PIN,
          ruleIndex,
          level: 'note',
          message: {
            text: `box the future of \`${b.callee}\` (${formatBytes(b.awaiteeBytes)}) awaited in \`${item.name}\`: ${formatBytes(b.beforeBytes)} → ${formatBytes(b.afterBytes)} (estimated from the layout)\nhelp: write \`Box::pin(<future>).await\`; \`asyncbloat fix --box\` offers the rewrite`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(b.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: b.line, ...(b.column !== undefined ? { startColumn: b.column } : {}) },
              },
            },
          ],
          properties: {
            item: item.name,
            awaiteeBytes: b.awaiteeBytes,
            beforeBytes: b.beforeBytes,
            afterBytes: b.afterBytes,
            roots: item.boxAdvice!.roots,
          },
        },
      ];
    }),
  );
}
