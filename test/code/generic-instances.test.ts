// Machine code of a generic async method instantiated at two types, in a module whose unique name makes
// MIR trim its path (`bounded::<impl at ..>::send` for `sync::mpsc::bounded`, as tokio's `Sender::send`),
// next to a same-named `oneshot::Sender::send` whose plain closure looks like a poll fn. Also impls of
// two same-named types away from them: told apart by the path the impl writes, or reported as ambiguous.
// Oracle: `nm -S` + rustfilt on the real binary, rustc's MIR text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { fullMirPath } from '../../src/analyze/machine-code.ts';
import { type BuildArtifacts, buildForAnalysis } from '../../src/cargo/build.ts';
import { loadCodeObjects } from '../../src/measure/code-objects.ts';
import { attributeCode } from '../../src/measure/code-size.ts';
import type { AnalysisReport } from '../../src/model/report.ts';
import { checkCodeAgainstNm, itemNamed, mirText } from '../support/analysis-checks.ts';
import { has, need } from '../support/require.ts';
import { CODE_FIXTURES, nmSized, rustfilt } from './support/fixtures.ts';

const FIXTURE = resolve(CODE_FIXTURES, 'gensend');

/** nm -S + rustfilt: bytes per demangled function name (text symbols). */
function oracle(file: string): Map<string, number> {
  const symbols = nmSized(file).filter((s) => /[tTwW]/.test(s.type));
  const named = rustfilt(symbols.map((s) => s.name));
  const out = new Map<string, number>();
  symbols.forEach((s, i) => {
    out.set(named[i]!, (out.get(named[i]!) ?? 0) + s.size);
  });
  return out;
}

describe('a generic async method instantiated at two types', () => {
  let build: BuildArtifacts;
  let report: AnalysisReport;
  let bin: string;
  let nm: Map<string, number>;
  before(async () => {
    build = await buildForAnalysis({ manifestPath: FIXTURE, nightly: false, progress: false });
    report = await analyzeBuild(build);
    bin = resolve(report.root, report.build.artifact!);
    if (has.rustfilt()) nm = oracle(bin);
  });

  test('MIR trims the module of the impl; the source item puts it back', () => {
    const lib = build.crates.find((c) => c.crateName === 'gensend' && !c.kind.includes('bin'))!;
    const mir = mirText(lib.mir);
    const send = /^fn (bounded::<impl at [^>]*>::send::\{closure#0\})\(/m.exec(mir)?.[1];
    assert.ok(send, 'rustc prints `bounded::<impl at ..>::send::{closure#0}`');
    assert.equal(fullMirPath(send, 'sync::mpsc::bounded::Sender::send'), `sync::mpsc::${send}`);
    // A module name that is also the method's: the module ends before the type and the method.
    assert.equal(
      fullMirPath('send::<impl at src/a.rs:1:1: 1:9>::send::{closure#0}', 'net::send::Tx::send'),
      'net::send::<impl at src/a.rs:1:1: 1:9>::send::{closure#0}',
    );
    // Untrimmed paths stay as they are.
    assert.equal(
      fullMirPath('sync::oneshot::<impl at src/lib.rs:1:1: 1:9>::f::{closure#0}', 'sync::oneshot::S::f'),
      'sync::oneshot::<impl at src/lib.rs:1:1: 1:9>::f::{closure#0}',
    );

    // Without the source item (no restored module), the trimmed module still picks `bounded`'s Sender
    // over `oneshot`'s, whose `send::{closure#0}` is a plain closure.
    const { objects } = loadCodeObjects(readFileSync(bin), bin);
    const [raw] = attributeCode(objects, [{ crate: 'gensend', path: send, selfType: 'Sender' }]).items;
    assert.equal(raw!.ambiguous, undefined);
    assert.equal(raw!.symbolPath, '<gensend::sync::mpsc::bounded::Sender>::send::{closure#0}');
  });

  test('both instantiations (poll fns and drop glue) are summed into the item; no warning', (t) => {
    if (!need(t, 'rustfilt', has.rustfilt())) return;
    const polls = [...nm].filter(([n]) =>
      /^<gensend::sync::mpsc::bounded::Sender<.*>>::send::\{closure#0\}$/.test(n),
    );
    const drops = [...nm].filter(([n]) =>
      /^core::ptr::drop_in_place::<<gensend::sync::mpsc::bounded::Sender<.*>>::send::\{closure#0\}>$/.test(n),
    );
    assert.deepEqual(polls.map(([n]) => n).sort(), [
      '<gensend::sync::mpsc::bounded::Sender<alloc::vec::Vec<u8>>>::send::{closure#0}',
      '<gensend::sync::mpsc::bounded::Sender<gensend::Cmd>>::send::{closure#0}',
    ]);
    assert.equal(drops.length, 2);
    assert.ok(
      nm.has('<gensend::sync::oneshot::Sender<usize>>::send::{closure#0}'),
      'the look-alike is there',
    );

    const send = itemNamed(report, 'sync::mpsc::bounded::Sender::send');
    assert.ok(send.code, `no code: ${report.warnings.join('\n')}`);
    const of = (kind: string) =>
      send
        .code!.parts.filter((p) => p.kind === kind)
        .map((p): [string, number] => [p.symbol, p.bytes])
        .sort();
    assert.deepEqual(of('poll'), polls.sort());
    assert.deepEqual(of('drop'), drops.sort());
    assert.ok(!send.code.parts.some((p) => p.symbol.includes('oneshot')));
    assert.equal(send.code.inlined, false);
    checkCodeAgainstNm(report);
    assert.deepEqual(
      report.warnings.filter((w) => /no code size|mangling/.test(w) && w.includes('Sender')),
      [],
    );
  });

  test('impls of same-named types away from them: the written path decides, else ambiguous', (t) => {
    if (!need(t, 'rustfilt', has.rustfilt())) return;
    for (const [item, type] of [
      ['probes::crate::a::Probe::ping', 'a'],
      ['probes::crate::b::Probe::ping', 'b'],
    ] as const) {
      const polls = itemNamed(report, item)
        .code?.parts.filter((p) => p.kind === 'poll')
        .map((p) => [p.symbol, p.bytes]);
      const symbol = `<gensend::${type}::Probe>::ping::{closure#0}`;
      assert.deepEqual(polls, [[symbol, nm.get(symbol)]], item);
    }
    // `use crate::a::Probe; impl Probe` in two modules: nothing says which `pong` is whose.
    assert.ok(
      nm.has('<gensend::a::Probe>::pong::{closure#0}') && nm.has('<gensend::b::Probe>::pong::{closure#0}'),
    );
    assert.equal(itemNamed(report, 'left::Probe::pong').code, undefined);
    assert.equal(itemNamed(report, 'right::Probe::pong').code, undefined);
    const warning = report.warnings.filter((w) => w.includes('no code size'));
    assert.equal(warning.length, 1, report.warnings.join('\n'));
    assert.match(warning[0]!, /^2 async item\(s\) got no code size: methods of several same-named types/);
    assert.match(
      warning[0]!,
      /left::Probe::pong \(<gensend::a::Probe>::pong::\{closure#0\} \| <gensend::b::Probe>/,
    );
    assert.doesNotMatch(warning[0]!, /mangling/);
  });
});
