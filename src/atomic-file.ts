// Replacing a file so that a reader (another run, a crash, a kill) finds the old contents or the new, never
// half: write a temporary file beside it, then rename it over. With `fsync`, the new contents are on disk
// before the rename (the fix journal must survive what it records).
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** Sync the contents before the rename. */
  fsync?: boolean;
  /** The new file's mode, exactly (default: 0o666 less the umask, as writeFileSync). */
  mode?: number;
}

/** Writes `data` to `path` atomically, making its directory if needed; throws what the file system says. */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeFileSync(fd, data);
      // Set after creation: the umask would narrow a mode given to open.
      if (options.mode !== undefined) fchmodSync(fd, options.mode);
      if (options.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
