// In a workspace, every path analyze writes is relative to the workspace root, as `scan` writes them:
// an item's file, its findings' files, and the SARIF locations GitHub code scanning places them by.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../src/analyze/index.ts';
import { renderShared } from '../../src/report/formats.ts';

const workspace = new URL('../fixtures/crates/driver-lib/', import.meta.url).pathname;

test('findings of a member crate carry workspace-relative paths, in JSON and SARIF', async () => {
  const report = await analyze({ manifestPath: workspace, progress: false, log: () => {} });
  const withFindings = report.items.filter((i) => i.findings.length > 0);
  assert.ok(withFindings.length > 0, 'the fixture has a finding');
  assert.ok(
    withFindings.some((i) => i.findings.some((f) => (f.fix?.edits.length ?? 0) > 0)),
    'and a fix',
  );
  for (const item of withFindings) {
    for (const f of item.findings) {
      assert.equal(f.file, item.file, `${item.name}: finding and item name the same file`);
      assert.ok(existsSync(join(workspace, f.file)), `${f.file} exists under the workspace root`);
      for (const e of f.fix?.edits ?? []) assert.equal(e.file, f.file, 'its fix edits the same file');
    }
  }
  const sarif = JSON.parse(await renderShared(report, 'sarif'));
  const uris = sarif.runs[0].results.map(
    (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
      r.locations[0]!.physicalLocation.artifactLocation.uri,
  );
  assert.ok(uris.length > 0);
  for (const uri of uris) assert.ok(existsSync(join(workspace, uri)), `${uri} is a workspace path`);
});

test("a member's future awaited in another member is linked to its item", async () => {
  const report = await analyze({ manifestPath: workspace, progress: false, log: () => {} });
  const step = report.items.find((i) => i.name === 'app_lib_step');
  assert.ok(step);
  // app's output prints driver-core's futures with the crate in front; they are the same items.
  assert.deepEqual(step.children.map((c) => [c.typeName, c.item]).sort(), [
    ['{async fn body of driver_core::core_buffered()}', 'core_buffered'],
    ['{async fn body of driver_core::core_leaf()}', 'core_leaf'],
  ]);
});
