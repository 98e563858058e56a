// The numbers come from the binary users ship: `analyze`'s build must produce the machine code a plain
// `cargo build` of the same profile makes (only the symbol mangling may differ, and the plain build here uses
// v0 too). For the example and the tokio fixture, in dev and release: `.text` within 0.1 %, and every
// symbol `analyze` attributes to an item has the same size in both binaries. Emitting MIR broke this (one
// codegen unit per crate: −7 % .text on the tokio app in release, a poll fn 4x its shipped size).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AnalysisReport } from '../../src/model/report.ts';
import { demangle } from '../../src/readers/demangle/index.ts';
import { readElf, textBytes } from '../../src/readers/elf.ts';
import { readobjStackSizes } from '../code/support/fixtures.ts';
import { has, need } from '../support/require.ts';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'asyncbloat-fidelity-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// `symbols`: how many attributed symbols each build has at least; in release the example's futures are all
// inlined into `main`, so only its `.text` can be compared there.
const CRATES = [
  {
    name: 'example',
    dir: fileURLToPath(new URL('../../examples/firmware-demo/', import.meta.url)),
    bin: 'firmware-demo',
    registry: false,
    symbols: { dev: 10, release: 0 },
  },
  {
    name: 'tokio',
    dir: fileURLToPath(new URL('../fixtures/crates/tokio-app/', import.meta.url)),
    bin: 'tokio-app',
    registry: true,
    symbols: { dev: 10, release: 5 },
  },
];

/** The bytes of a linked file's `.text` section. */
function textSection(file: string): Uint8Array {
  const elf = readElf(readFileSync(file));
  const text = elf.sections.find((s) => s.name === '.text');
  assert.ok(text, `${file} has .text`);
  return elf.bytes.subarray(text.offset, text.offset + text.size);
}

/** Sizes by demangled name (local copies of one name summed, as analyze sums them). */
function symbolSizes(file: string): { text: number; sizes: Map<string, number> } {
  const elf = readElf(readFileSync(file));
  const sizes = new Map<string, number>();
  for (const s of elf.symbols) {
    if (s.type !== 2 || s.size === 0) continue; // functions
    const name = demangle(s.name);
    sizes.set(name, (sizes.get(name) ?? 0) + s.size);
  }
  return { text: textBytes(elf), sizes };
}

describe('analyze measures the code a plain cargo build makes', () => {
  for (const c of CRATES) {
    for (const profile of ['dev', 'release'] as const) {
      test(`${c.name}, ${profile}`, (t) => {
        if (c.registry && !need(t, 'Debian crate sources', has.debianRegistry())) return;
        const release = profile === 'release' ? ['--release'] : [];
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
        delete env.CARGO_INCREMENTAL; // the plain build is the user's: incremental in dev, as cargo's default
        delete env.RUSTFLAGS;
        const analysis = spawnSync(
          process.execPath,
          [CLI, 'analyze', c.dir, '--no-nightly', '--offline', ...release, '--format', 'json'],
          { encoding: 'utf8', env: { ...env, CARGO_TARGET_DIR: join(tmp, `${c.name}-analyze`) } },
        );
        assert.equal(analysis.status, 0, analysis.stderr);
        const report = JSON.parse(analysis.stdout) as AnalysisReport;
        assert.ok(report.build.artifact, 'a linked artifact was measured');
        // The report says which build it measured: cargo's own settings for the profile.
        assert.equal(report.build.codegen?.optLevel, profile === 'dev' ? '0' : '3');
        assert.equal(report.build.codegen?.debugAssertions, profile === 'dev');
        const plainTarget = join(tmp, `${c.name}-plain`);
        const plain = spawnSync('cargo', ['build', '--offline', ...release], {
          cwd: c.dir,
          encoding: 'utf8',
          env: { ...env, CARGO_TARGET_DIR: plainTarget, RUSTFLAGS: '-Csymbol-mangling-version=v0' },
        });
        assert.equal(plain.status, 0, plain.stderr);
        const shipped = symbolSizes(join(plainTarget, profile === 'dev' ? 'debug' : 'release', c.bin));
        const measured = symbolSizes(resolve(report.root, report.build.artifact!));
        const drift = Math.abs(measured.text - shipped.text) / shipped.text;
        assert.ok(
          drift <= 0.001,
          `.text ${measured.text} B analysed, ${shipped.text} B shipped (${(drift * 100).toFixed(2)} %)`,
        );
        let compared = 0;
        for (const item of report.items) {
          for (const part of item.code?.parts ?? []) {
            assert.equal(
              measured.sizes.get(part.symbol),
              shipped.sizes.get(part.symbol),
              `${item.name}: ${part.symbol}`,
            );
            assert.equal(
              part.bytes,
              shipped.sizes.get(part.symbol),
              `${item.name}: ${part.symbol} as reported`,
            );
            compared++;
          }
        }
        assert.ok(compared >= c.symbols[profile], `${compared} attributed symbols compared`);

        // -Zemit-stack-sizes only adds a section: the binary built with it has the very same `.text` bytes.
        // The flagged build recompiles the binary's own crate in the plain build's target dir (its
        // dependencies are reused, so this costs seconds, not a second tokio build): the crate with the
        // async items and every generic instantiation for their futures, compiled with the flag.
        const plainBin = join(plainTarget, profile === 'dev' ? 'debug' : 'release', c.bin);
        const plainText = Buffer.from(textSection(plainBin));
        const withFlag = spawnSync(
          'cargo',
          ['rustc', '--offline', ...release, '--bin', c.bin, '--', '-Zemit-stack-sizes'],
          {
            cwd: c.dir,
            encoding: 'utf8',
            env: {
              ...env,
              // Unstable flags for this crate only: the dependencies' builds stay as they were.
              RUSTC_BOOTSTRAP: c.bin.replaceAll('-', '_'),
              CARGO_TARGET_DIR: plainTarget,
              RUSTFLAGS: '-Csymbol-mangling-version=v0',
            },
          },
        );
        assert.equal(withFlag.status, 0, withFlag.stderr);
        const flagged = readElf(readFileSync(plainBin));
        assert.ok(
          flagged.sections.some((x) => x.name === '.stack_sizes'),
          'the flag took effect',
        );
        assert.ok(
          Buffer.from(textSection(plainBin)).equals(plainText),
          '.text is byte-identical with and without -Zemit-stack-sizes',
        );

        // Frames: each attributed function's frame is LLVM's, as llvm-readobj reads the analysed binary.
        assert.equal(report.build.stackFrames, true, 'the analysed binary has .stack_sizes');
        if (!need(t, 'llvm-readobj', has.llvmReadobj())) return;
        const llvm = new Map<string, number>();
        for (const [name, frame] of readobjStackSizes(resolve(report.root, report.build.artifact!))) {
          const d = demangle(name);
          llvm.set(d, Math.max(llvm.get(d) ?? 0, frame));
        }
        let frames = 0;
        for (const item of report.items) {
          for (const part of item.code?.parts ?? []) {
            assert.equal(part.frameBytes, llvm.get(part.symbol), `${item.name}: frame of ${part.symbol}`);
            frames++;
          }
          const polls = (item.code?.parts ?? []).filter((p) => p.kind === 'poll');
          if (polls.length > 0)
            assert.equal(item.stack?.pollFrameBytes, Math.max(...polls.map((p) => llvm.get(p.symbol)!)));
        }
        assert.ok(frames >= c.symbols[profile], `${frames} frames compared`);
      });
    }
  }
});
