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
import { analyze } from '../../src/analyze/index.ts';
import { loadCodeObjects } from '../../src/measure/code-objects.ts';
import { attributeCode } from '../../src/measure/code-size.ts';
import { countPanicSites, panicSitesOf } from '../../src/measure/panic-sites.ts';
import { analysisReportJson } from '../../src/report/analysis-json.ts';
import { has, need } from '../support/require.ts';
import {
  asyncfixMirCoroutines,
  buildAsyncfix,
  buildThumb,
  CODE_FIXTURES,
  DYNAMIC_STD,
  DYNAMIC_STD_PLT,
  LTO_ABORT,
  MATRIX,
  run,
  rustfilt,
} from './support/fixtures.ts';

const LTOINLINE = join(CODE_FIXTURES, 'ltoinline');

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

/** `readelf -SW -sW` of one object: section names by index, sized FUNC symbols per section index. */
function objectTables(file: string): {
  sections: Map<string, number[]>;
  functions: Map<number, Map<number, string>>;
} {
  const sections = new Map<string, number[]>();
  const functions = new Map<number, Map<number, string>>();
  for (const line of run('readelf', ['-SW', '-sW', file]).split('\n')) {
    const sec = /^\s*\[\s*(\d+)\] (\S+)\s/.exec(line);
    if (sec) {
      sections.set(sec[2]!, [...(sections.get(sec[2]!) ?? []), Number(sec[1])]);
      continue;
    }
    const sym = /^\s*\d+: ([0-9a-f]+)\s+\d+ FUNC\s+\S+\s+\S+\s+(\d+) (\S+)$/.exec(line);
    if (!sym) continue;
    const at = functions.get(Number(sym[2])) ?? new Map<number, string>();
    functions.set(Number(sym[2]), at);
    at.set(Number.parseInt(sym[1]!, 16), sym[3]!);
  }
  return { sections, functions };
}

interface ObjectSites {
  /** Keyed by `member symbol`. */
  sites: Map<string, Expected>;
  /** Sites relocated against a section symbol (`.text.unlikely.<fn>-0x4`). */
  viaSection: number;
  /** Calls within a section, resolved by the assembler (no relocation). */
  unrelocated: number;
}

/**
 * x86-64 relocatable objects, from `objdump -dr -w`: a call or jump with a relocation is a site when the
 * relocation names a panic fn, or a section plus an addend whose target (addend + 4, the PC-relative
 * form) is a panic fn's FUNC symbol in that section per `readelf -sW`; one without a relocation when
 * objdump names a panic fn as its exact target.
 */
function expectedObjects(files: string[]): ObjectSites {
  const out: ObjectSites = { sites: new Map(), viaSection: 0, unrelocated: 0 };
  const tables = new Map(files.map((f) => [basename(f), objectTables(f)]));
  let member = '';
  let fn = '';
  let prev: { mnemonic: string; operands: string; len: number } | undefined;
  for (const line of run('objdump', ['-dr', '-w', ...files]).split('\n')) {
    const mem = /^(\S+):\s+file format/.exec(line);
    if (mem) {
      member = basename(mem[1]!);
      continue;
    }
    const h = HEADER.exec(line);
    if (h) {
      fn = kindOfName(h[2]!) ? '' : h[2]!;
      prev = undefined;
      continue;
    }
    const m = INSN.exec(line);
    if (!m) continue;
    const [, , bytes, mnemonic, operands, rest] = m as unknown as string[];
    const len = bytes!.trim().split(' ').length;
    const siteBytes = len + (prev && isLeaRdi(prev.mnemonic, prev.operands) && prev.len === 7 ? 7 : 0);
    prev = { mnemonic: mnemonic!, operands: operands!, len };
    if (!fn || (mnemonic !== 'call' && mnemonic !== 'jmp')) continue;
    const reloc = /\bR_X86_64_(\w+)\t(\S+)/.exec(`${operands}${rest}`);
    if (!reloc) {
      const direct = /^[0-9a-f]+ <([^>+]+)>$/.exec(operands!.trim());
      const kind = direct ? kindOfName(direct[1]!) : undefined;
      if (kind) {
        tally(out.sites, `${member} ${fn}`, kind, siteBytes);
        out.unrelocated++;
      }
      continue;
    }
    if (!/^(GOTPCREL|GOTPCRELX|REX_GOTPCRELX|PLT32|PC32)$/.test(reloc[1]!)) continue;
    const [, name, addend] = /^(.*?)([+-]0x[0-9a-f]+)?$/.exec(reloc[2]!)!;
    let kind: Kind | undefined;
    if (name!.startsWith('.')) {
      // A section symbol: the function at addend + 4 in that section (GOT forms hold the section start).
      const { sections, functions } = tables.get(member)!;
      const a = addend ? (addend[0] === '-' ? -1 : 1) * Number.parseInt(addend.slice(3), 16) : 0;
      const offset = reloc[1] === 'PLT32' || reloc[1] === 'PC32' ? a + 4 : 0;
      const names = (sections.get(name!) ?? []).map((i) => functions.get(i)?.get(offset));
      kind = names.map((n) => (n ? kindOfName(n) : undefined)).find((k) => k);
      if (kind) out.viaSection++;
    } else kind = kindOfName(name!);
    if (kind) tally(out.sites, `${member} ${fn}`, kind, siteBytes);
  }
  return out;
}

/**
 * Archive of objects: expected sites keyed by `member symbol`. Only members that reference the panic
 * fns (`nm -u`) or hold a local copy of them (LTO: `t`) are disassembled: all of std would take minutes.
 */
function expectedRelocatable(file: string): ObjectSites {
  const referencing = new Set<string>();
  for (const line of run('nm', ['--target=elf64-x86-64', '-A', file]).split('\n')) {
    const m = /^[^:]+:([^:]+):(?:[0-9a-f]+)?\s+[Ut] (.*)$/.exec(line);
    if (m && kindOfName(m[2]!)) referencing.add(m[1]!);
  }
  assert.ok(referencing.size > 0, 'members referencing the panic fns');
  const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-panic-'));
  try {
    run('ar', ['x', '--output', dir, file, ...referencing]);
    return expectedObjects([...referencing].map((m) => join(dir, m)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

const memberKey = (f: { object: string; symbol: string }): string =>
  `${f.object.replace(/^.*\(|\)$/g, '')} ${f.symbol}`;

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
    assert.ok(expected.sites.size >= 5, `${expected.sites.size} functions with sites`);
    assert.equal(expected.viaSection, 0, 'without LTO the panic fns are imported');
    assert.deepEqual(sorted(ours(b.staticlib, memberKey)), sorted(expected.sites));
  });

  test("LTO staticlib (opt-z, abort, fat, cgu1): calls relocated against the local panic fn's section symbol", () => {
    const b = buildAsyncfix(LTO_ABORT);
    // The premise: LTO made core's panic fn a local function of the crate's object, no longer imported.
    const nm = run('nm', ['--target=elf64-x86-64', '-A', b.staticlib]);
    assert.match(nm, /asyncfix[^:]*\.o:[0-9a-f]+ t \S*28panic_const_async_fn_resumed/);
    const expected = expectedRelocatable(b.staticlib);
    assert.ok(expected.viaSection >= 5, `${expected.viaSection} section-symbol sites`);
    assert.deepEqual(sorted(ours(b.staticlib, memberKey)), sorted(expected.sites));
    // The linked files of the same profile call their local copy directly (checked per MATRIX above).
    for (const file of [b.bin, b.cdylib])
      assert.match(run('nm', [file]), /^[0-9a-f]+ t \S*28panic_const_async_fn_resumed/m, file);
  });

  test('section symbol plus addend into a section of several functions, and calls with no relocation (GNU as)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-sections-'));
    try {
      const obj = join(dir, 'x86.o');
      run('as', [join(CODE_FIXTURES, 'sections', 'x86.s'), '-o', obj]);
      const expected = expectedObjects([obj]);
      assert.equal(expected.viaSection, 2, 'poll: both panic fns through `.text.unlikely.+addend`');
      assert.equal(expected.unrelocated, 2, 'cold_caller: call and jmp resolved by the assembler');
      const got = ours(obj, (f) => `${basename(f.object)} ${f.symbol}`);
      assert.deepEqual(sorted(got), sorted(expected.sites));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('ARM Thumb: BL relocated against a section symbol, addend in the instruction (llvm-mc)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-sections-'));
    try {
      const obj = join(dir, 'thumb.o');
      run('llvm-mc', [
        '-triple=thumbv7em-none-eabi',
        '-filetype=obj',
        join(CODE_FIXTURES, 'sections', 'thumb.s'),
        '-o',
        obj,
      ]);
      // Oracle: llvm-objdump's immediate and relocation per BL; target = section + imm + 4 (REL, PC + 4),
      // looked up among readelf's FUNC symbols of that section (Thumb bit cleared).
      const { sections, functions } = objectTables(obj);
      const expected = new Map<string, Expected>();
      let fn = '';
      let pending: { imm: number; bytes: number } | undefined;
      for (const line of run('llvm-objdump', ['-dr', obj]).split('\n')) {
        const h = /^[0-9a-f]+ <(.+)>:$/.exec(line);
        if (h) fn = h[1]!;
        const bl = /^\s*[0-9a-f]+:\s+((?:[0-9a-f]{2} )+)\s*bl\s.*@ imm = #(-?\d+)/.exec(line);
        if (bl) pending = { imm: Number(bl[2]), bytes: bl[1]!.trim().split(' ').length };
        const r = /R_ARM_THM_CALL\s+(\S+)$/.exec(line);
        if (r && pending) {
          const offset = pending.imm + 4;
          const names = (sections.get(r[1]!) ?? []).map(
            (i) => [...(functions.get(i) ?? [])].find(([v]) => (v & ~1) === offset)?.[1],
          );
          const kind = names.map((n) => (n ? kindOfName(n) : undefined)).find((k) => k);
          if (kind) tally(expected, `thumb.o ${fn}`, kind, pending.bytes);
          pending = undefined;
        }
      }
      assert.deepEqual(sorted(expected), [['thumb.o poll', { resumed: 1, resumedPanic: 0, bytes: 4 }]]);
      const got = ours(obj, (f) => `${basename(f.object)} ${f.symbol}`);
      assert.deepEqual(sorted(got), sorted(expected));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  test('analyze on an LTO no_std staticlib: own poll fns get their section-symbol sites, inlined ones are unknown (not 0)', async (t) => {
    if (!need(t, 'rustfilt', has.rustfilt())) return;
    const report = await analyze({
      manifestPath: LTOINLINE,
      release: true,
      nightly: false,
      progress: false,
      log: () => {},
    });
    const expected = expectedRelocatable(join(LTOINLINE, report.build.artifact!));
    assert.ok(expected.viaSection >= 2, `${expected.viaSection} section-symbol sites`);
    const keys = [...expected.sites.keys()];
    const names = rustfilt(keys.map((k) => k.slice(k.indexOf(' ') + 1)));
    const byFunction = new Map(names.map((n, k) => [n, expected.sites.get(keys[k]!)!]));
    const polls = new Set<string>();
    for (const item of report.items) {
      assert.ok(item.code, `${item.name} has a code attribution`);
      if (item.code.inlined) {
        assert.equal(item.panicSites, undefined, `${item.name}: no poll fn of its own, sites unknown`);
        continue;
      }
      const own = item.code.parts.filter((p) => p.kind === 'poll').map((p) => p.symbol);
      for (const p of own) polls.add(p);
      const sum = { resumed: 0, resumedPanic: 0, bytes: 0 };
      for (const p of own) {
        const e = byFunction.get(p);
        if (!e) continue;
        sum.resumed += e.resumed;
        sum.resumedPanic += e.resumedPanic;
        sum.bytes += e.bytes;
      }
      assert.deepEqual(item.panicSites, sum, item.name);
    }
    const named = (n: string) => report.items.find((i) => i.name === n);
    assert.ok((named('apply')?.panicSites?.resumed ?? 0) >= 1, 'apply calls the local panic fn');
    assert.ok((named('set_pin')?.panicSites?.resumed ?? 0) >= 1, 'set_pin calls the local panic fn');
    assert.equal(named('twice')?.code?.inlined, true, 'twice is inlined into fw_main');
    // The inlined item's site is still there, in the exported fn that polls it: 0 would be wrong.
    assert.ok((byFunction.get('fw_main')?.resumed ?? 0) >= 1, "fw_main holds the inlined poll body's site");
    const json = JSON.parse(analysisReportJson(report)) as { items: { name: string; panicSites: unknown }[] };
    assert.equal(json.items.find((i) => i.name === 'twice')?.panicSites, null);
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
    // No poll part (inlined into a caller): unknown, not 0.
    const parts = twoAwaits.code.parts.filter((p) => p.kind !== 'poll');
    assert.equal(panicSitesOf(parts, sites), undefined);
  });
});
