// Whether the process that left a file behind (a scratch copy, a fix journal, a build lock) still runs: a
// file of a live process is its own, one of a dead process is stale.
import { readFileSync } from 'node:fs';

/** The pid written in an owner file; undefined when it cannot be read or holds no pid (yet). */
export function ownerPidIn(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
