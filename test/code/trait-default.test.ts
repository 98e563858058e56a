// Machine code of a trait's default async method: one MIR body (`Greeter::greet::{closure#0}`), one poll
// fn per implementing type in the binary. Checked against nm -S + rustfilt on a real debug build.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadCodeObjects } from '../../src/measure/code-objects.ts';
import { attributeCode } from '../../src/measure/code-size.ts';
import { readMir } from '../../src/readers/mir.ts';
import { has, need } from '../support/require.ts';
import { nmSized, run, rustfilt } from './support/fixtures.ts';

const FIXTURE = new URL('../fixtures/code/trait-default/main.rs', import.meta.url).pathname;

test('a default method’s copies for each type are summed; an override stays with its impl', (t) => {
  if (!need(t, 'rustfilt', has.rustfilt())) return;
  const out = mkdtempSync(join(tmpdir(), 'asyncbloat-trait-default-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const bin = join(out, 'greet');
  run('rustc', [
    '--edition=2021',
    '--crate-name=greet',
    '-Csymbol-mangling-version=v0',
    '--emit=mir,link',
    '-o',
    bin,
    FIXTURE,
  ]);
  const mir = readMir(readFileSync(`${bin}.mir`, 'utf8'));
  const paths = mir.coroutines.map((c) => c.name);
  const def = paths.find((p) => p === 'Greeter::greet::{closure#0}');
  const over = paths.find((p) => p.startsWith('<impl at ') && p.endsWith('::greet::{closure#0}'));
  assert.ok(def && over, paths.join(', '));
  const { objects } = loadCodeObjects(readFileSync(bin), bin);
  const r = attributeCode(objects, [
    { crate: 'greet', path: def },
    { crate: 'greet', path: over, selfType: 'Loud' },
  ]);

  // The oracle: poll fns named `<T as greet::Greeter>::greet::{closure#0}` by rustfilt, per self type.
  const symbols = nmSized(bin);
  const named = rustfilt(symbols.map((s) => s.name));
  const polls = new Map<string, number>();
  symbols.forEach((s, i) => {
    const m = /^<(.+) as greet::Greeter>::greet::\{closure#0\}$/.exec(named[i]!);
    if (m && /[Tt]/.test(s.type)) polls.set(m[1]!, (polls.get(m[1]!) ?? 0) + s.size);
  });
  assert.deepEqual([...polls.keys()].sort(), ['alloc::string::String', 'greet::Loud', 'greet::Plain']);

  const [d, o] = r.items;
  const pollsOf = (i: typeof d) =>
    i!.code.parts
      .filter((p) => p.kind === 'poll')
      .map((p) => [p.symbol, p.bytes])
      .sort();
  assert.equal(d!.ambiguous, undefined);
  assert.equal(d!.code.inlined, false);
  assert.deepEqual(pollsOf(d), [
    ['<alloc::string::String as greet::Greeter>::greet::{closure#0}', polls.get('alloc::string::String')],
    ['<greet::Plain as greet::Greeter>::greet::{closure#0}', polls.get('greet::Plain')],
  ]);
  assert.deepEqual(pollsOf(o), [
    ['<greet::Loud as greet::Greeter>::greet::{closure#0}', polls.get('greet::Loud')],
  ]);

  // The crate total counts each function once.
  const parts = [...d!.code.parts, ...o!.code.parts];
  const once = parts.filter((p, i) => parts.findIndex((q) => q.symbol === p.symbol) === i);
  assert.equal(
    r.crates.find((c) => c.crate === 'greet')?.asyncCodeBytes,
    once.reduce((n, p) => n + p.bytes, 0),
  );
});
