// A second build with one more rustc flag, compared with the first. `-Zasync-panic` does not exist on the
// nightly installed here, so the machinery is exercised with `-C panic=abort`, whose effect rustc documents
// and the reference measured: no "resumed after panicking" path and no resumed_panic call sites.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { compareFlagBuilds, requireAsyncPanicFlag } from '../../src/analyze/flag-delta.ts';
import { analyze } from '../../src/analyze/index.ts';
import { UserError } from '../../src/errors.ts';
import { has, need } from '../support/require.ts';

const fixture = new URL('../fixtures/analyze/joined/', import.meta.url).pathname;

describe('measuring a flag by building twice', () => {
  test('-C panic=abort: the variant has no panicking paths and less code', async () => {
    const options = { manifestPath: fixture, progress: false };
    const before = await analyze(options);
    const after = await analyze({ ...options, extraRustflags: ['-Cpanic=abort'] });
    assert.ok(
      before.items.some((i) => i.panicPaths?.resumedAfterPanic && (i.panicSites?.resumedPanic ?? 0) > 0),
    );
    for (const i of after.items) {
      assert.equal(i.panicPaths?.resumedAfterPanic, false, `${i.name} still has a Panicked path`);
      assert.equal(i.panicSites?.resumedPanic, 0, `${i.name} still calls resumed_panic`);
    }
    const delta = compareFlagBuilds(before, after, ['-Cpanic=abort']);
    assert.ok(
      delta.textBytes && delta.textBytes.after < delta.textBytes.before,
      JSON.stringify(delta.textBytes),
    );
    const sum = (k: 'codeBefore' | 'codeAfter') => delta.items.reduce((n, i) => n + (i[k] ?? 0), 0);
    assert.ok(sum('codeAfter') < sum('codeBefore'));
    assert.equal(
      delta.estimatedPanicBytes,
      before.items.reduce((n, i) => n + (i.panicSites?.bytes ?? 0), 0),
    );
    // The variant built in a target dir of its own: the normal build is still up to date.
    const again = await analyze(options);
    assert.equal(again.warnings.length, 0, again.warnings.join('\n'));
    assert.deepEqual(
      again.items.map((i) => i.code?.codeBytes),
      before.items.map((i) => i.code?.codeBytes),
    );
  });

  test('--measure-async-panic says clearly when the nightly lacks -Zasync-panic', async (t) => {
    if (!need(t, 'a nightly toolchain', has.nightly())) return;
    const accepts = /\basync-panic\b/.test(
      execFileSync('rustc', ['+nightly', '-Z', 'help'], { encoding: 'utf8' }),
    );
    if (accepts) {
      await requireAsyncPanicFlag();
      return;
    }
    await assert.rejects(requireAsyncPanicFlag(), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /does not accept -Zasync-panic/);
      return true;
    });
  });
});
