// The readers on a real dependency graph: test/fixtures/mir/tokapp (tokio 1.24 + futures 0.3 from Debian's
// crate sources, built offline once for this file, debug profile). Every crate's MIR and the whole graph's
// -Zprint-type-sizes output must read without a single unparsed line, and agree with each other.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { indexFutures, measureLayout, resolveFuture } from '../../src/measure/layout.ts';
import { readMir } from '../../src/readers/mir.ts';
import { readTypeSizes } from '../../src/readers/type-sizes.ts';
import { has, need } from '../support/require.ts';
import { type CompileOutput, compileFixture } from '../support/rustc.ts';
import { checkTypeSizesReader, pollHeaders, variantsOf } from './rustc-text.ts';

describe('tokio + futures app built from Debian sources', () => {
  let out: CompileOutput | undefined;
  before(() => {
    if (has.debianRegistry()) out = compileFixture({ crateDir: 'test/fixtures/mir/tokapp' });
  });

  test('every crate’s MIR: all poll bodies found, nothing unparsed, consistent states', (t) => {
    if (!need(t, 'Debian crate registry (librust-tokio-dev)', has.debianRegistry())) return;
    const files = out!.mirFiles!;
    assert.ok(files.some((f) => f.path.includes('/tokio-')));
    let bodies = 0;
    for (const { path, text } of files) {
      const r = readMir(text);
      assert.deepEqual(r.unparsed, { count: 0 }, path);
      assert.equal(r.coroutines.length, pollHeaders(text).length, path);
      for (const c of r.coroutines) {
        const panicked = c.states.includes('Panicked') ? 1 : 0;
        assert.equal(c.states.length, c.suspendPoints.length + 2 + panicked, `${path} ${c.name}`);
        assert.ok(c.span, `${path} ${c.name} has no span`);
        for (const s of c.suspendPoints) assert.ok(s.awaiteeType, `${path} ${c.name} ${s.state}`);
      }
      bodies += r.coroutines.length;
    }
    // tokio alone has about a hundred async fns (reference §4); the app adds its own.
    assert.ok(bodies >= 50, `${bodies} poll bodies`);
  });

  test('the whole graph’s type sizes: every record, every future at rustc’s size', (t) => {
    if (!need(t, 'Debian crate registry (librust-tokio-dev)', has.debianRegistry())) return;
    const text = out!.typeSizes;
    checkTypeSizesReader(text);
  });

  test('MIR suspend states match the layouts; every awaited async body resolves across crates', (t) => {
    if (!need(t, 'Debian crate registry (librust-tokio-dev)', has.debianRegistry())) return;
    const text = out!.typeSizes;
    const futures = readTypeSizes(text).futures;
    const index = indexFutures(futures);
    let compared = 0;
    for (const { text: mir } of out!.mirFiles!)
      for (const c of readMir(mir).coroutines) {
        // MIR and type sizes trim paths differently (`TcpStream::readable` / `net::tcp::stream::TcpStream::
        // readable`); generic bodies (`AsyncFd<T>::readable`) have no layout of their own.
        const layout = resolveFuture(index, c.coroutineType);
        if (!layout) continue;
        assert.deepEqual(
          c.states.filter((s) => s.startsWith('Suspend')),
          variantsOf(text, layout.typeName).filter((v) => v.startsWith('Suspend')),
          `${c.name} ~ ${layout.typeName}`,
        );
        compared++;
      }
    assert.ok(compared >= 30, `${compared} compared`);

    let resolved = 0;
    for (const f of futures)
      for (const c of measureLayout(f, { index }).children) {
        // Hand-written futures (Sleep, PollFn<..>) have no coroutine layout; every awaited async body does,
        // whichever crate printed it and however the field spelled its path.
        if (!c.typeName.startsWith('{async ')) continue;
        assert.ok(c.layout, `${f.typeName} ${c.state}: ${c.typeName}`);
        if (!c.indirect) assert.equal(c.layout.bytes, c.bytes);
        resolved++;
      }
    assert.ok(resolved >= 20, `${resolved} resolved`);
  });
});
