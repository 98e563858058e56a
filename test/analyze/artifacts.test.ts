// Which linked artifact gives the code sizes: the binary by default, the C library with --lib, and the
// numbers are the symbol table's either way. Release profile, so some poll fns are inlined into callers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../src/analyze/index.ts';
import { checkCodeAgainstNm } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';

const fixture = new URL('../fixtures/code/asyncfix/', import.meta.url).pathname;

describe('analyze picks the artifact and measures its code', () => {
  for (const [label, options, kind] of [
    ['default: the binary', {}, /\/asyncfix$/],
    ['--lib: the cdylib', { lib: true }, /\/libasyncfix\.so$/],
  ] as const) {
    test(label, async (t) => {
      if (!need(t, 'rustfilt', has.rustfilt())) return;
      const report = await analyze({ manifestPath: fixture, release: true, progress: false, ...options });
      assert.equal(report.build.profile, 'release');
      assert.match(report.build.artifact ?? '', kind);
      assert.ok(checkCodeAgainstNm(report) > 0, 'some code parts');
      const withCode = report.items.filter((i) => i.code && !i.code.inlined);
      assert.ok(withCode.length > 0, 'some poll fns keep a symbol of their own');
      const crate = report.crates.find((c) => c.name === 'asyncfix');
      assert.ok(
        crate?.textBytes && crate.asyncCodeBytes !== undefined && crate.asyncCodeBytes < crate.textBytes,
      );
    });
  }
});
