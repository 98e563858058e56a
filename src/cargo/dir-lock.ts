// A lock on one of asyncbloat's build directories, held from the build until its outputs are read, so
// that two `analyze` runs on one crate do not read each other's half-written captures: the second waits,
// as cargo waits for its own build directory lock (and says so the way cargo does). The lock is a file
// holding the owner's pid, created exclusively; a lock whose owner no longer runs (killed with SIGKILL) is
// taken over. It is re-entrant within one process (savings builds twice into one directory).
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning, ownerPidIn } from '../process-owner.ts';

export const LOCK_FILE = '.asyncbloat-lock';
/** How often a waiting run looks again. */
const POLL_MS = 100;

/** Paths this process holds, with how many times each was taken. */
const held = new Map<string, number>();
let exitHook = false;

export interface DirLock {
  release(): void;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Takes the lock on `dir`, waiting for another process that holds it; `log` hears once that it waits. */
export async function lockDir(dir: string, log: (text: string) => void): Promise<DirLock> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  let said = false;
  let unknownSince: number | undefined;
  for (;;) {
    if (held.has(path) || tryCreate(path)) break;
    const owner = ownerPidIn(path);
    if (owner === undefined) {
      // Created but not yet written, or unreadable: give its owner a moment, then take it over.
      unknownSince ??= Date.now();
      if (Date.now() - unknownSince > 2000) rmSync(path, { force: true });
    } else if (!isRunning(owner)) {
      rmSync(path, { force: true });
      continue;
    } else if (!said) {
      said = true;
      log(`    Blocking waiting for file lock on asyncbloat's build directory (held by pid ${owner})\n`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  held.set(path, (held.get(path) ?? 0) + 1);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of held.keys()) removeIfOurs(p);
    });
  }
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      const n = (held.get(path) ?? 1) - 1;
      if (n > 0) held.set(path, n);
      else {
        held.delete(path);
        removeIfOurs(path);
      }
    },
  };
}

function removeIfOurs(path: string): void {
  if (ownerPidIn(path) === process.pid) rmSync(path, { force: true });
}
