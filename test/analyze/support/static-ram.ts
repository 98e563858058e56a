// Shared by the RAM per task and static future tests: `analyze --format json` of a fixture crate through the
// built CLI, and the independent views of the binary and of rustc's output the tests compare it with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalysisReport } from '../../../src/model/report.ts';
import { nmSized, rustfilt } from '../../code/support/fixtures.ts';
import { typeBlock } from '../../readers/rustc-text.ts';

const CLI = fileURLToPath(new URL('../../../dist/cli.js', import.meta.url));

/** `analyze --format json` of `crate` in a target dir of its own under `tmp`, per profile. */
export function analyzeFixture(
  crate: string,
  tmp: string,
  profile: 'dev' | 'release',
  flags: string[] = [],
): AnalysisReport {
  const r = spawnSync(
    process.execPath,
    [CLI, 'analyze', crate, ...flags, '--format', 'json', ...(profile === 'release' ? ['--release'] : [])],
    { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', CARGO_TARGET_DIR: join(tmp, profile) } },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as AnalysisReport;
}

/** `nm -S` sizes of the binary's data symbols, by name as rustfilt demangles it. */
export function nmData(file: string): Map<string, number> {
  const syms = nmSized(file).filter((s) => /^[bBdD]$/.test(s.type));
  const names = rustfilt(syms.map((s) => s.name));
  return new Map(syms.map((s, k) => [names[k]!, s.size]));
}

/** A field's size in one type's -Zprint-type-sizes record. */
export function fieldBytes(pts: string, type: string, field: string): number {
  const m = new RegExp(`^print-type-size {5}field \`\\.${field}\`: (\\d+) bytes`, 'm').exec(
    typeBlock(pts, type),
  );
  assert.ok(m, `${type} has field ${field}`);
  return Number(m[1]);
}
