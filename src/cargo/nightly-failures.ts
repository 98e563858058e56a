// Remembers that the installed nightly could not build this workspace, so the next run goes straight to the
// fallback toolchain instead of paying for a failed build again. A failure is tied to what caused it: the
// nightly's version and the dependency versions (Cargo.lock); a new nightly or `cargo update` tries again.
// Only failures the fallback build then survived are recorded: a crate that fails on every toolchain has an
// error of its own, not a nightly incompatibility.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.ts';
import type { Toolchain } from './toolchain.ts';

interface Record {
  nightly: string;
  /** sha256 of Cargo.lock, or null when there is none. */
  lockfile: string | null;
  reason: string;
}

export class NightlyFailures {
  /** Kept beside analyze's build dirs, so deleting `target/` (or `cargo clean`) forgets it too. */
  readonly file: string;

  constructor(
    targetDirectory: string,
    private readonly workspaceRoot: string,
  ) {
    this.file = join(targetDirectory, 'asyncbloat', 'nightly-failed.json');
  }

  private lockfileHash(): string | null {
    try {
      return createHash('sha256')
        .update(readFileSync(join(this.workspaceRoot, 'Cargo.lock')))
        .digest('hex');
    } catch {
      return null;
    }
  }

  /** The reason `toolchain` failed here before, if it did with the same Cargo.lock. */
  recall(toolchain: Toolchain): string | undefined {
    let record: Partial<Record>;
    try {
      record = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Record>;
    } catch {
      return undefined; // none yet, or unreadable: then the nightly is simply tried again
    }
    if (record.nightly !== toolchain.version || record.lockfile !== this.lockfileHash()) return undefined;
    return typeof record.reason === 'string' ? record.reason : undefined;
  }

  remember(toolchain: Toolchain, reason: string): void {
    const record: Record = { nightly: toolchain.version, lockfile: this.lockfileHash(), reason };
    try {
      writeFileAtomic(this.file, `${JSON.stringify(record, null, 2)}\n`);
    } catch {
      // Only a shortcut for the next run: a read-only target dir costs that run a failed build, nothing more.
    }
  }
}
