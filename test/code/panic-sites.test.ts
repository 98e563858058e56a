// Panic call-site counts against binutils: the expected count per function is computed here from
// `objdump -d -w` (direct calls, `call *disp(%rip)` through GOT slots resolved with `readelf -rW`,
// PLT stubs) for linked files, from `objdump -dr -w` relocations for the staticlib's objects, and from
// `llvm-objdump -d` BL instructions for the ARM Thumb fixture. Bytes per site: the call plus an
// immediately preceding `lea ...(%rip),%rdi`, measured from objdump's instruction bytes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { loadCodeObjects } from '../../src/measure/code-objects.ts';
import { attributeCode } from '../../src/measure/code-size.ts';
import { countPanicSites, panicSitesOf } from '../../src/measure/panic-sites.ts';
import { has, need } from '../support/require.ts';
import {
  asyncfixMirCoroutines,
  buildAsyncfix,
  buildThumb,
  DYNAMIC_STD,
  DYNAMIC_STD_PLT,
  MATRIX,
  run,
} from './support/fixtures.ts';

type Kind = 'resumed' | 'resumedPanic';

const kindOfName = (name: string): Kind | undefined =>
  /panic_const_async_fn_resumed_panic\b|34panic_const_async_fn_resumed_panic/.test(name)
    ? 'resumedPanic'
    : /28panic_const_async_fn_resumed(?!_)|panic_const_async_fn_resumed(?!_)/.test(name)
      ? 'resumed'
      : undefined;

interface Expected {
  resumed: number;
  resumedPanic: number;
  bytes: number;
}

const INSN = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*\t(?:(?:bnd|notrack) )?(\S+)\s*([^\t]*)(.*)$/;
const HEADER = /^([0-9a-f]+) <(.+)>:$/;

function tally(map: Map<string, Expected>, key: string, kind: Kind, bytes: number): void {
  const e = map.get(key) ?? { resumed: 0, resumedPanic: 0, bytes: 0 };
  e[kind]++;
  e.bytes += bytes;
  map.set(key, e);
}

const isLeaRdi = (mnemonic: string, operands: string): boolean =>
  mnemonic === 'lea' && /\(%rip\),%rdi/.test(operands);

/** Linked x86-64 file: expected sites keyed by function address (hex). */
function expectedLinked(file: string): Map<string, Expected> {
  const panicAddr = new Map<number, Kind>();
  for (const line of run('nm', [file]).split('\n')) {
    const m = /^([0-9a-f]+) [TtWw] (.*)$/.exec(line);
    const kind = m ? kindOfName(m[2]!) : undefined;
    if (kind) panicAddr.set(Number.parseInt(m![1]!, 16), kind);
  }
  const slots = new Map<number, Kind>();
  for (const line of run('readelf', ['-rW', file]).split('\n')) {
    const rel = /^([0-9a-f]+)\s+[0-9a-f]+\s+R_X86_64_RELATIVE\s+([0-9a-f]+)\s*$/.exec(line);
    if (rel) {
      const kind = panicAddr.get(Number.parseInt(rel[2]!, 16));
      if (kind) slots.set(Number.parseInt(rel[1]!, 16), kind);
      continue;
    }
    const sym = /^([0-9a-f]+)\s+[0-9a-f]+\s+R_X86_64_(?:GLOB_DAT|JUMP_SLOT|64)\s+[0-9a-f]+\s+(\S+)/.exec(
      line,
    );
    const kind = sym ? kindOfName(sym[2]!) : undefined;
    if (kind) slots.set(Number.parseInt(sym![1]!, 16), kind);
  }
  const out = new Map<string, Expected>();
  let fn = '';
  let prev: { mnemonic: string; operands: string; len: number } | undefined;
  for (const line of run('objdump', ['-d', '-w', file]).split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      fn = Number.parseInt(h[1]!, 16).toString(16);
      if (kindOfName(h[2]!)) fn = '';
      prev = undefined;
      continue;
    }
    const m = INSN.exec(line);
    if (!m) continue;
    const [, , bytes, mnemonic, operands, comment] = m as unknown as string[];
    const len = bytes!.trim().split(' ').length;
    if (fn && (mnemonic === 'call' || mnemonic === 'jmp')) {
      let kind: Kind | undefined;
      const direct = /^([0-9a-f]+) <(.*)>/.exec(operands!);
      if (direct)
        kind =
          panicAddr.get(Number.parseInt(direct[1]!, 16)) ??
          (direct[2]!.endsWith('@plt') ? kindOfName(direct[2]!) : undefined);
      const indirect = /^\*0x[0-9a-f]+\(%rip\)/.test(operands!)
        ? /# ([0-9a-f]+)/.exec(`${operands}${comment}`)
        : null;
      if (indirect) kind = slots.get(Number.parseInt(indirect[1]!, 16));
      if (kind)
        tally(
          out,
          fn,
          kind,
          len + (prev && isLeaRdi(prev.mnemonic, prev.operands) && prev.len === 7 ? 7 : 0),
        );
    }
    prev = { mnemonic: mnemonic!, operands: operands!, len };
  }
  return out;
}

/**
 * Archive of objects: expected sites keyed by `member symbol`, from relocations objdump prints inline.
 * Only members that reference the panic fns (`nm -u`) are disassembled: all of std would take minutes.
 */
function expectedRelocatable(file: string): Map<string, Expected> {
  const out = new Map<string, Expected>();
  const referencing = new Set<string>();
  for (const line of run('nm', ['--target=elf64-x86-64', '-A', '-u', file]).split('\n')) {
    const m = /^[^:]+:([^:]+):\s+U (.*)$/.exec(line);
    if (m && kindOfName(m[2]!)) referencing.add(m[1]!);
  }
  assert.ok(referencing.size > 0, 'members referencing the panic fns');
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-panic-'));
  run('ar', ['x', '--output', dir, file, ...referencing]);
  let member = '';
  let fn = '';
  let prev: { mnemonic: string; operands: string; len: number } | undefined;
  const listing = run('objdump', ['-dr', '-w', ...[...referencing].map((m) => join(dir, m))]);
  rmSync(dir, { recursive: true, force: true });
  for (const line of listing.split('\n')) {
    const mem = /^(\S+):\s+file format/.exec(line);
    if (mem) {
      member = basename(mem[1]!);
      continue;
    }
    const h = HEADER.exec(line);
    if (h) {
      fn = h[2]!;
      prev = undefined;
      continue;
    }
    const m = INSN.exec(line);
    if (!m) continue;
    const [, , bytes, mnemonic, operands, rest] = m as unknown as string[];
    const len = bytes!.trim().split(' ').length;
    for (const r of `${operands}${rest}`.matchAll(
      /R_X86_64_(GOTPCREL|GOTPCRELX|REX_GOTPCRELX|PLT32|PC32)\t(\S+)/g,
    )) {
      const kind = kindOfName(r[2]!);
      if (kind && (mnemonic === 'call' || mnemonic === 'jmp'))
        tally(
          out,
          `${member} ${fn}`,
          kind,
          len + (prev && isLeaRdi(prev.mnemonic, prev.operands) && prev.len === 7 ? 7 : 0),
        );
    }
    prev = { mnemonic: mnemonic!, operands: operands!, len };
  }
  return out;
}

function ours(
  file: string,
  key: (f: { address: number; object: string; symbol: string }) => string,
): Map<string, Expected> {
  const { objects } = loadCodeObjects(readFileSync(file), file);
  const r = countPanicSites(objects);
  assert.deepEqual(r.unsupported, []);
  const out = new Map<string, Expected>();
  for (const f of r.functions) {
    const k = key(f);
    const e = out.get(k) ?? { resumed: 0, resumedPanic: 0, bytes: 0 };
    e.resumed += f.resumed;
    e.resumedPanic += f.resumedPanic;
    e.bytes += f.bytes;
    out.set(k, e);
  }
  return out;
}

const sorted = (m: Map<string, Expected>): [string, Expected][] =>
  [...m].sort((a, b) => a[0].localeCompare(b[0]));

describe('panic call sites equal objdump + readelf', () => {
  for (const spec of MATRIX) {
    test(`${spec.id} (${spec.describe}): bin and cdylib`, (t) => {
      if (spec.toolchain === 'nightly' && !need(t, 'nightly rustc', has.nightly())) return;
      const b = buildAsyncfix(spec);
      for (const file of [b.bin, b.cdylib]) {
        const expected = expectedLinked(file);
        const total = [...expected.values()].reduce((n, e) => n + e.resumed, 0);
        assert.ok(
          total >= 5,
          `${file}: only ${total} resumed sites; fixture no longer exercises the panic paths`,
        );
        assert.deepEqual(sorted(ours(file, (f) => f.address.toString(16))), sorted(expected), file);
      }
    });
  }

  test('std as a shared library: calls through GLOB_DAT slots of imported panic fns', () => {
    const b = buildAsyncfix(DYNAMIC_STD);
    const glob = run('readelf', ['-rW', b.bin])
      .split('\n')
      .filter((l) => /GLOB_DAT.*panic_const_async_fn_resumed/.test(l));
    assert.ok(glob.length >= 1, 'the build imports the panic fns');
    const expected = expectedLinked(b.bin);
    assert.ok(expected.size >= 5);
    assert.deepEqual(sorted(ours(b.bin, (f) => f.address.toString(16))), sorted(expected));
  });

  test('std as a shared library with -Z plt=yes: calls into PLT stubs, resolved through their JUMP_SLOTs', (t) => {
    if (!need(t, 'nightly rustc', has.nightly())) return;
    const b = buildAsyncfix(DYNAMIC_STD_PLT);
    const viaPlt = run('objdump', ['-d', '-w', b.bin])
      .split('\n')
      .filter((l) => /\bcall\s+[0-9a-f]+ <.*panic_const_async_fn_resumed.*@plt>/.test(l));
    assert.ok(viaPlt.length >= 5, `the build calls the panic fns through the PLT (${viaPlt.length} calls)`);
    const expected = expectedLinked(b.bin);
    assert.deepEqual(sorted(ours(b.bin, (f) => f.address.toString(16))), sorted(expected));
    const sites = [...expected.values()].reduce((n, e) => n + e.resumed + e.resumedPanic, 0);
    assert.equal(sites, viaPlt.length, 'every PLT call is a site, and there are no others');
  });

  test('staticlib objects: relocations against the panic fns (GOTPCREL) per function', () => {
    const b = buildAsyncfix(MATRIX[0]!);
    const expected = expectedRelocatable(b.staticlib);
    assert.ok(expected.size >= 5, `${expected.size} functions with sites`);
    const got = ours(b.staticlib, (f) => `${f.object.replace(/^.*\(|\)$/g, '')} ${f.symbol}`);
    assert.deepEqual(sorted(got), sorted(expected));
  });

  test('ARM Thumb: BL call sites equal llvm-objdump', () => {
    const file = buildThumb();
    const expected = new Map<string, Expected>();
    let fn = '';
    for (const line of run('llvm-objdump', ['-d', file]).split('\n')) {
      const h = /^([0-9a-f]+) <(.+)>:$/.exec(line);
      if (h) {
        fn = kindOfName(h[2]!) ? '' : Number.parseInt(h[1]!, 16).toString(16);
        continue;
      }
      const m = /^\s*[0-9a-f]+:\s+((?:[0-9a-f]{2} )+)\s*(bl|b\.w)\s+0x[0-9a-f]+ <(.+)>/.exec(line);
      const kind = m ? kindOfName(m[3]!) : undefined;
      if (fn && kind) tally(expected, fn, kind, m![1]!.trim().split(' ').length);
    }
    assert.ok(expected.size >= 2);
    assert.deepEqual(sorted(ours(file, (f) => f.address.toString(16))), sorted(expected));
  });

  test('per-item sites sum the poll fns of the attribution (v0 build)', () => {
    const b = buildAsyncfix(MATRIX[3]!);
    const { objects } = loadCodeObjects(readFileSync(b.bin), b.bin);
    const sites = countPanicSites(objects);
    const code = attributeCode(
      objects,
      asyncfixMirCoroutines().map((path) => ({ crate: 'asyncfix', path })),
    );
    const twoAwaits = code.items.find((i) => i.coroutine.path === 'two_awaits::{closure#0}')!;
    const perItem = panicSitesOf(twoAwaits.code.parts, sites);
    const expected = expectedLinked(b.bin);
    const addresses = sites.functions
      .filter((f) => f.demangled === 'asyncfix::two_awaits::{closure#0}')
      .map((f) => f.address.toString(16));
    assert.ok(addresses.length >= 1);
    const sum = addresses.reduce(
      (t, a) => ({
        resumed: t.resumed + expected.get(a)!.resumed,
        resumedPanic: t.resumedPanic + expected.get(a)!.resumedPanic,
        bytes: t.bytes + expected.get(a)!.bytes,
      }),
      { resumed: 0, resumedPanic: 0, bytes: 0 },
    );
    assert.deepEqual(perItem, sum);
  });
});
