// Helpers for the fix tests: fixture crates copied to temporary directories, cargo runs, file snapshots.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScanReport } from '../../src/model/report.ts';
import { scan } from '../../src/scan/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/fix/', import.meta.url));

/** In-process scan without the on-disk cache (scratch directories would litter it). */
export const scanNoCache = (path: string): Promise<ScanReport> => scan(path, { cache: false, threads: 0 });

export class TempDirs {
  private readonly dirs: string[] = [];
  make(prefix = 'ab-fix-'): string {
    const d = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(d);
    return d;
  }
  /** A copy of test/fixtures/fix/NAME without build output. */
  fixture(name: string): string {
    const dir = join(this.make(), name);
    cpSync(join(FIXTURES, name), dir, {
      recursive: true,
      filter: (s) => !/[/\\](target|Cargo\.lock)$/.test(s),
    });
    return dir;
  }
  /**
   * A target dir for the cargo runs the code under test starts with this process's environment (planFixes,
   * cargo check): set as CARGO_TARGET_DIR, with incremental builds off, so no build lands in a fixture.
   */
  sharedTarget(): string {
    const target = this.make('ab-target-');
    process.env.CARGO_TARGET_DIR = target;
    process.env.CARGO_INCREMENTAL = '0';
    return target;
  }
  removeAll(): void {
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

export interface CargoRun {
  ok: boolean;
  output: string;
}

/** `cargo <args>` in `dir` with a shared target dir, so a file's tests build each crate once. */
export function cargo(dir: string, args: string[], targetDir: string): Promise<CargoRun> {
  return new Promise((resolve) => {
    execFile(
      'cargo',
      args,
      {
        cwd: dir,
        env: {
          ...process.env,
          CARGO_TARGET_DIR: targetDir,
          CARGO_TERM_COLOR: 'never',
          CARGO_INCREMENTAL: '0',
        },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}

/** Every file under `dir` (but target/) with its bytes, for byte-for-byte comparisons. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'target') walk(p);
      } else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/**
 * A crate under git (lockfile committed, target/ ignored) of `modules` files, each with an async fn that
 * does not await and a single-await wrapper of it: one fix per file for `fix --write` (two with --allow-eager).
 */
export function wrapperCrate(temp: TempDirs, modules: number): string {
  const crate = join(temp.make('ab-wrappers-'), 'wrappers');
  mkdirSync(join(crate, 'src'), { recursive: true });
  writeFileSync(
    join(crate, 'Cargo.toml'),
    '[package]\nname = "wrappers"\nversion = "0.1.0"\nedition = "2021"\n',
  );
  writeFileSync(join(crate, '.gitignore'), '/target\n');
  const mods = Array.from({ length: modules }, (_, i) => `m${i}`);
  writeFileSync(join(crate, 'src/lib.rs'), mods.map((m) => `pub mod ${m};\n`).join(''));
  for (const [i, m] of mods.entries())
    writeFileSync(
      join(crate, `src/${m}.rs`),
      `pub async fn inner(x: u32) -> u32 {\n    x.wrapping_add(${i})\n}\n\n` +
        `pub async fn wrap(x: u32) -> u32 {\n    inner(x).await\n}\n`,
    );
  const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { cwd: crate, stdio: 'pipe' });
  run('cargo', 'generate-lockfile', '--offline');
  run('git', 'init', '-q');
  run('git', 'add', '.');
  run('git', '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-q', '-m', 'generated');
  return crate;
}
