// Tests that need an external component (nightly rustc, rustfilt, chromium, Debian crate sources) call
// these. Locally a missing component skips the test with a reason; under CI=true it fails, so CI can
// never go green by skipping.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';

const inCi = process.env.CI === 'true' || process.env.CI === '1';

export function commandWorks(cmd: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns true when the component is there; otherwise skips (locally) or throws (in CI). */
export function need(t: TestContext, what: string, present: boolean): boolean {
  if (present) return true;
  const msg = `${what} is not installed (.ci/run installs it)`;
  if (inCi) throw new Error(`CI=true and ${msg}`);
  t.skip(msg);
  return false;
}

export const has = {
  nightly: () => commandWorks('rustc', ['+nightly', '--version']),
  rustfilt: () => commandWorks('rustfilt', ['--version']),
  chromium: () => existsSync('/usr/bin/chromium'),
  debianRegistry: () => existsSync('/usr/share/cargo/registry/tokio-1.24.2'),
  llvmReadobj: () => commandWorks('llvm-readobj', ['--version']),
  neovim: () => commandWorks('nvim', ['--version']),
};
