// The human diagnostics: code frame, underline placement (tabs, wide characters), summary line.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { colors } from '../../src/report/colors.ts';
import { renderDiagnostics, renderFileWarnings } from '../../src/report/diagnostics.ts';
import { scan } from '../../src/scan/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('human diagnostics', () => {
  it('underlines the reported span under wide characters and tabs', async () => {
    writeFileSync(join(dir, 'lib.rs'), 'mod 無線 {\n\tpub async fn 送信() -> u8 { 1 }\n}\n');
    const report = await scan(join(dir, 'lib.rs'), { cache: false });
    const text = renderDiagnostics(report, { colors: colors('never') });
    const lines = text.split('\n');
    assert.equal(lines[0], 'warning[no-await]: `async fn 送信` never awaits');
    assert.equal(lines[1], ' --> lib.rs:2:2');
    const code = lines.findIndex((l) => l.startsWith('2 | '));
    assert.equal(lines[code], '2 |     pub async fn 送信() -> u8 { 1 }');
    // the caret line starts under `pub` (after the tab shown as 4 spaces) and spans the header's display width
    assert.equal(lines[code + 1], `  |     ${'^'.repeat('pub async fn '.length + 4 + '() -> u8'.length)}`);
    assert.match(lines.at(-2)!, /^warning: 1 finding \(no-await: 1\) in 1 async item in 1 file$/);
  });

  it('says so when there is nothing to report, and lists skipped files for stderr', async () => {
    writeFileSync(join(dir, 'ok.rs'), 'async fn f() { g().await; h().await }\n');
    const report = await scan(join(dir, 'ok.rs'), { cache: false });
    assert.equal(
      renderDiagnostics(report, { colors: colors('never') }),
      'ok: no findings (1 async item in 1 file)\n',
    );
    report.stats.skipped.push({ file: 'x.rs', reason: 'not valid UTF-8' });
    report.stats.filesWithParseErrors.push('y.rs');
    assert.equal(
      renderFileWarnings(report, colors('never')),
      'warning: skipped x.rs: not valid UTF-8\nwarning: y.rs has syntax errors; its results are partial (tree-sitter recovered)\n',
    );
  });
});
