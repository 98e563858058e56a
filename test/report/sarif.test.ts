// SARIF output: shape checks, and validation with Microsoft's SARIF multitool (the SARIF 2.1.0 JSON schema
// plus the SARIF and GitHub-ingestion rule sets) from the @microsoft/sarif-multitool devDependency.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderSarif, ruleHelpUri, sarifLog } from '../../src/report/sarif.ts';
import { need } from '../support/require.ts';
import { analysisReport, LARGE_FUTURE, RULES, scanReport } from './sample-reports.ts';
import { multitool, validate } from './sarif-validator.ts';

describe('sarif', () => {
  test('rules carry help text and README help URIs; results point at the findings', () => {
    const report = analysisReport();
    const log = sarifLog(report, { rules: RULES });
    const run = log.runs[0]!;
    assert.equal(log.version, '2.1.0');
    assert.equal(run.columnKind, 'utf16CodeUnits');
    assert.deepEqual(
      run.tool.driver.rules!.map((r) => [r.id, r.name, r.helpUri]),
      [
        ['large-future', 'LargeFuture', 'https://github.com/asyncbloat/asyncbloat#rule-large-future'],
        ['held-across-await', 'HeldAcrossAwait', ruleHelpUri('held-across-await')],
      ],
    );
    assert.equal(run.tool.driver.rules![0]!.help!.text.startsWith(RULES[0]!.docs!), true);
    assert.equal(run.tool.driver.rules![0]!.defaultConfiguration!.level, 'warning');
    const findings = report.items.flatMap((i) => i.findings);
    assert.equal(run.results!.length, findings.length);
    run.results!.forEach((r, k) => {
      const f = findings[k]!;
      assert.equal(r.ruleId, f.rule);
      assert.equal(run.tool.driver.rules![r.ruleIndex!]!.id, f.rule);
      assert.equal(r.level, f.severity);
      const loc = r.locations![0]!.physicalLocation!;
      assert.deepEqual(loc.artifactLocation, { uri: f.file, uriBaseId: '%SRCROOT%' });
      assert.deepEqual(loc.region, {
        startLine: f.line,
        startColumn: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
      });
    });
    // The fix travels as a SARIF fix with the same UTF-16 offsets.
    const fix = run.results![0]!.fixes![0]!;
    assert.deepEqual(
      fix.artifactChanges[0]!.replacements.map((r) => [
        r.deletedRegion.charOffset,
        r.deletedRegion.charLength,
        r.insertedContent!.text,
      ]),
      LARGE_FUTURE.fix!.edits.map((e) => [e.start, e.end - e.start, e.text]),
    );
  });

  test('fingerprints stay the same when a finding moves, and differ between findings', () => {
    const a = sarifLog(analysisReport(), { rules: RULES }).runs[0]!.results!;
    const moved = analysisReport();
    for (const f of moved.items[1]!.findings) {
      f.line += 7;
      f.endLine += 7;
    }
    const b = sarifLog(moved, { rules: RULES }).runs[0]!.results!;
    assert.deepEqual(
      a.map((r) => r.partialFingerprints),
      b.map((r) => r.partialFingerprints),
    );
    assert.equal(new Set(a.map((r) => r.partialFingerprints!['asyncbloat/v1'])).size, a.length);
  });

  test('paths are URI references: spaces and # are percent-encoded', () => {
    const report = scanReport();
    report.findings[0]!.file = 'src/my mod/a#b.rs';
    const loc = sarifLog(report).runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation!;
    assert.equal(loc.uri, 'src/my%20mod/a%23b.rs');
  });

  test('valid SARIF 2.1.0 for GitHub, with and without rule metadata (sarif-multitool)', (t) => {
    const tool = multitool();
    if (!need(t, 'sarif-multitool (npm devDependency @microsoft/sarif-multitool)', tool !== undefined))
      return;
    assert.deepEqual(validate(tool!, renderSarif(analysisReport(), { rules: RULES })), []);
    assert.deepEqual(validate(tool!, renderSarif(scanReport())), []);
    // The validator does reject what is wrong: a column 0 breaks the schema's minimum of 1.
    const broken = sarifLog(scanReport());
    broken.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startColumn = 0;
    assert.deepEqual(
      validate(tool!, JSON.stringify(broken)).map((r) => r.ruleId),
      ['JSON1008'],
    );
  });
});
