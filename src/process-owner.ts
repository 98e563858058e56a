// Whether the process that left a file behind (a scratch copy, a fix journal) still runs: a file of a live
// process is its own, one of a dead process is stale.

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
