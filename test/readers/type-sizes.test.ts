// The -Zprint-type-sizes reader against real rustc output of test/fixtures/mir/asyncs.rs (stable and
// nightly, debug and -O). Sizes are checked against a plain regex over rustc's text; offsets for consistency.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FutureLayout } from '../../src/model/report.ts';
import { readTypeSizes } from '../../src/readers/type-sizes.ts';
import { has, need } from '../support/require.ts';
import { type CompileOptions, compileFixture } from '../support/rustc.ts';
import { typeBlock, typeHeaders } from './rustc-text.ts';

const FIXTURE = 'test/fixtures/mir/asyncs.rs';

const CONFIGS: { label: string; options: CompileOptions }[] = [
  { label: 'stable debug', options: { file: FIXTURE, toolchain: 'stable', mir: false } },
  { label: 'stable -O', options: { file: FIXTURE, toolchain: 'stable', opt: true, mir: false } },
  { label: 'nightly debug', options: { file: FIXTURE, toolchain: 'nightly', mir: false } },
  { label: 'nightly -O', options: { file: FIXTURE, toolchain: 'nightly', opt: true, mir: false } },
  {
    label: 'stable -O panic=abort',
    options: { file: FIXTURE, toolchain: 'stable', opt: true, panic: 'abort', mir: false },
  },
];

/** Fields of each state do not overlap and stay inside the type. */
function assertOffsetsConsistent(f: FutureLayout): void {
  for (const s of f.states) {
    const sorted = [...s.fields].sort((a, b) => a.offset - b.offset || a.bytes - b.bytes);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      assert.ok(a.offset + a.bytes <= f.bytes, `${f.typeName} ${s.name} .${a.name} ends past ${f.bytes}`);
      const b = sorted[i + 1];
      if (b && a.bytes > 0 && b.bytes > 0)
        assert.ok(a.offset + a.bytes <= b.offset, `${f.typeName} ${s.name}: .${a.name} overlaps .${b.name}`);
    }
  }
}

for (const { label, options } of CONFIGS) {
  describe(`readTypeSizes on ${label}`, () => {
    const available = () => options.toolchain !== 'nightly' || has.nightly();

    test('every future size equals rustc’s own figure; every type is kept', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const { typeSizes } = compileFixture(options);
      const r = readTypeSizes(typeSizes);
      const all = typeHeaders(typeSizes);
      assert.equal(r.records, all.length);
      assert.deepEqual(r.unparsed, { count: 0 });
      for (const h of all)
        assert.deepEqual(r.types.get(h.name), { bytes: h.bytes, alignment: h.alignment }, h.name);
      const coroutines = all.filter((h) => h.name.startsWith('{async '));
      assert.ok(coroutines.length >= 15);
      assert.deepEqual(
        r.futures.map((f) => [f.typeName, f.bytes, f.alignment]),
        coroutines.map((h) => [h.name, h.bytes, h.alignment]),
      );
    });

    test('states, field kinds and offsets', (t) => {
      if (!need(t, 'nightly rustc', available())) return;
      const { typeSizes } = compileFixture(options);
      const r = readTypeSizes(typeSizes);
      for (const f of r.futures) {
        assert.equal(
          f.discriminantBytes,
          Number(/discriminant: (\d+) bytes/.exec(typeBlock(typeSizes, f.typeName))![1]),
        );
        const names = f.states.map((s) => s.name);
        assert.deepEqual(names.slice(0, 1), ['Unresumed'], f.typeName);
        assert.ok(names.includes('Returned') && names.includes('Panicked'), f.typeName);
        // Each printed line of the block is one field (or padding) in the result.
        const fieldLines =
          typeBlock(typeSizes, f.typeName).match(/^print-type-size {9}(upvar|local|padding)/gm) ?? [];
        assert.equal(
          f.states.reduce((n, s) => n + s.fields.length, 0),
          fieldLines.length,
          f.typeName,
        );
        for (const s of f.states)
          for (const x of s.fields) {
            if (x.kind === 'awaitee') assert.ok(x.type, `${f.typeName} awaitee without type`);
            if (x.name === '__awaitee') assert.equal(x.kind, 'awaitee');
          }
        assertOffsetsConsistent(f);
      }
    });
  });
}

describe('readTypeSizes on bad and edge input', () => {
  test('an unparseable line is counted with the first example; the records around it still read', () => {
    const { typeSizes } = compileFixture(CONFIGS[0]!.options);
    const clean = readTypeSizes(typeSizes);
    const lines = typeSizes.split('\n');
    const at = lines.findIndex((l) => l.includes('variant `Suspend0`'));
    lines.splice(at + 1, 0, 'print-type-size         local `.x`: many bytes', 'Compiling foo v0.1.0');
    const r = readTypeSizes(lines.join('\n'));
    assert.deepEqual(r.unparsed, { count: 2, example: 'print-type-size         local `.x`: many bytes' });
    assert.equal(r.records, clean.records);
    assert.equal(r.futures.length, clean.futures.length);
  });

  test('names with nested braces, backticks-free generics and long paths', () => {
    // A header shaped like tokio's (reference §2), built around a real header from the fixture's output.
    const { typeSizes } = compileFixture(CONFIGS[0]!.options);
    const real = typeHeaders(typeSizes).find((h) => h.name.startsWith('{async fn body of two_awaits'))!;
    const name =
      '{async fn body of tokio::runtime::io::registration::Registration::async_io<(mio::net::tcp::stream::TcpStream, std::net::SocketAddr), {closure@tokio::net::TcpListener::accept::{closure#0}::{closure#0}}>()}';
    const r = readTypeSizes(typeBlock(typeSizes, real.name).replace(real.name, name));
    assert.equal(r.futures.length, 1);
    assert.equal(r.futures[0]!.typeName, name);
    assert.equal(r.futures[0]!.bytes, real.bytes);
  });

  test('empty input and a crate without async', () => {
    assert.deepEqual(readTypeSizes(''), {
      futures: [],
      types: new Map(),
      holders: new Map(),
      records: 0,
      unparsed: { count: 0 },
    });
    const { typeSizes } = compileFixture({
      file: 'test/fixtures/mir/no_async.rs',
      toolchain: 'stable',
      mir: false,
    });
    const r = readTypeSizes(typeSizes);
    assert.equal(r.futures.length, 0);
    assert.equal(r.records, typeHeaders(typeSizes).length);
    assert.deepEqual(r.unparsed, { count: 0 });
  });

  test('CRLF line ends read the same', () => {
    const { typeSizes } = compileFixture(CONFIGS[0]!.options);
    assert.deepEqual(readTypeSizes(typeSizes.replaceAll('\n', '\r\n')), readTypeSizes(typeSizes));
  });
});

test('a size past 2^53 is counted as not understood, never rounded: the record and its lines', () => {
  const text = [
    'print-type-size type: `{async fn body of f()}`: 99999999999999999999 bytes, alignment: 8 bytes',
    'print-type-size     discriminant: 1 bytes',
    'print-type-size     variant `Unresumed`: 0 bytes',
    'print-type-size type: `{async fn body of g()}`: 16 bytes, alignment: 8 bytes',
    'print-type-size     discriminant: 1 bytes',
    'print-type-size     variant `Unresumed`: 0 bytes',
    '',
  ].join('\n');
  const r = readTypeSizes(text);
  assert.equal(r.unparsed.count, 3);
  assert.match(r.unparsed.example ?? '', /99999999999999999999 bytes/);
  assert.deepEqual(
    r.futures.map((f) => [f.typeName, f.bytes]),
    [['{async fn body of g()}', 16]],
  );
});
