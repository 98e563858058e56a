// `--example NAME`: an example is a crate of its own whose hashed outputs sit in `examples/`, beside the
// uplifted binary. Its items get MIR, layouts and machine code like any other target's.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { buildForAnalysis } from '../../src/cargo/build.ts';
import { checkAgainstCompiler, itemNamed } from '../support/analysis-checks.ts';

const workspace = new URL('../fixtures/crates/driver-lib/', import.meta.url).pathname;
const target = mkdtempSync(join(tmpdir(), 'asyncbloat-example-'));
after(() => rmSync(target, { recursive: true, force: true }));

test('analyze -p driver-app --example probe: the example is built, read and measured', async () => {
  const build = await buildForAnalysis({
    manifestPath: workspace,
    package: ['driver-app'],
    example: ['probe'],
    progress: false,
    log: () => {},
    env: { ...process.env, CARGO_TARGET_DIR: target },
  });
  const example = build.crates.find((c) => c.kind.includes('example'));
  assert.ok(example, build.crates.map((c) => c.kind.join('+')).join(', '));
  assert.match(example.unit ?? '', /^probe-[0-9a-f]{16}$/);
  assert.ok(example.mir.length > 0);
  assert.equal(example.typeSizes.length, 1);
  assert.deepEqual(
    build.warnings.filter((w) => /probe/.test(w)),
    [],
  );
  const report = await analyzeBuild(build);
  checkAgainstCompiler(report, build);
  const flow = itemNamed(report, 'probe_flow');
  assert.equal(flow.file, 'app/examples/probe.rs');
  assert.ok(flow.futureBytes !== null && flow.futureBytes >= 48, `${flow.futureBytes}`);
  assert.ok(flow.code && !flow.code.inlined, 'its poll fn is in the example binary');
  assert.match(report.build.artifact ?? '', /examples\/probe$/);
  assert.deepEqual(
    report.warnings.filter((w) => /not compile|no MIR|no type sizes/.test(w)),
    [],
  );
});
