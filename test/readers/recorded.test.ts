// Recorded rustc outputs (test/fixtures/recorded/rustc-<version>/, made by regenerate.ts from
// test/fixtures/mir/*.rs) pin the readers' handling of each compiler version's format without needing that
// compiler. Every expectation is derived from the recorded text itself or from the fixture source.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readMir } from '../../src/readers/mir.ts';
import { awaitsInBody, offsetOf } from './fixture-source.ts';
import { checkTypeSizesReader, pollHeaders, variantsOf } from './rustc-text.ts';

const RECORDED = 'test/fixtures/recorded';
const versions = readdirSync(RECORDED).filter((d) => d.startsWith('rustc-'));

function sourceFor(file: string): string {
  // `asyncs.debug.mir` was compiled from test/fixtures/mir/asyncs.rs.
  return readFileSync(join('test/fixtures/mir', `${file.split('.')[0]}.rs`), 'utf8');
}

test('both pinned compiler versions are recorded, and the set stays small', () => {
  assert.ok(versions.includes('rustc-1.95.0'), versions.join());
  assert.ok(versions.includes('rustc-1.97.0-nightly'), versions.join());
  let bytes = 0;
  for (const v of versions)
    for (const f of readdirSync(join(RECORDED, v))) bytes += readFileSync(join(RECORDED, v, f)).length;
  assert.ok(bytes < 300_000, `${bytes} bytes recorded`);
});

for (const version of versions) {
  const dir = join(RECORDED, version);
  const files = readdirSync(dir);
  describe(version, () => {
    for (const file of files.filter((f) => f.endsWith('.mir'))) {
      test(`${file}: every poll body, consistent states, one suspend point per .await`, () => {
        const mir = readFileSync(join(dir, file), 'utf8');
        const src = sourceFor(file);
        const r = readMir(mir);
        assert.deepEqual(r.unparsed, { count: 0 });
        assert.equal(r.fnCount, (mir.match(/^fn /gm) ?? []).length);
        assert.equal(r.coroutines.length, pollHeaders(mir).length);
        assert.equal(r.lineInfo, / \/\/ scope \d+ at /.test(mir) ? 'spans' : 'none');
        for (const c of r.coroutines) {
          const panicked = c.states.includes('Panicked') ? 1 : 0;
          assert.equal(c.states.length, c.suspendPoints.length + 2 + panicked, c.name);
          assert.equal(c.suspendPoints.length, awaitsInBody(src, c, r.coroutines), c.name);
          for (const s of c.suspendPoints) {
            if (r.lineInfo === 'none') assert.equal(s.line, undefined);
            else
              assert.ok(
                src.slice(offsetOf(src, s.line!, s.column!)).startsWith('await'),
                `${c.name} ${s.state}`,
              );
          }
        }
        // The pair's type sizes, when recorded, lay out the same suspend states.
        const pts = files.find((f) => f === file.replace(/\.mir$/, '.type-sizes.txt'));
        if (pts) {
          const text = readFileSync(join(dir, pts), 'utf8');
          for (const c of r.coroutines) {
            const variants = variantsOf(text, c.coroutineType).filter((v) => v.startsWith('Suspend'));
            if (variants.length > 0)
              assert.deepEqual(
                c.states.filter((s) => s.startsWith('Suspend')),
                variants,
                c.name,
              );
          }
        }
      });
    }

    for (const file of files.filter((f) => f.endsWith('.type-sizes.txt'))) {
      test(`${file}: every record, every future at rustc's size, consistent offsets`, () => {
        const text = readFileSync(join(dir, file), 'utf8');
        checkTypeSizesReader(text);
      });
    }
  });
}

test('nightly’s `no_retag` operand prefix is in the recording and does not disturb the reader', () => {
  const dir = join(RECORDED, 'rustc-1.97.0-nightly');
  const file = readdirSync(dir).find((f) => f.endsWith('.mir'))!;
  const mir = readFileSync(join(dir, file), 'utf8');
  const lines = mir.split('\n');
  const at = lines.findIndex((l) => l.includes('= no_retag '));
  assert.ok(at > 0, 'the recording should contain a no_retag operand');
  const r = readMir(mir);
  const body = r.coroutines.filter((c) => c.mirLine - 1 < at).at(-1)!;
  assert.ok(body.mirLine - 1 + body.mirLines > at, 'no_retag should sit inside a poll body');
  assert.ok(body.suspendPoints.length > 0);
});
