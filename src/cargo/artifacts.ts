// Maps cargo's `compiler-artifact` messages to what the analysis reads: each unit's `<crate>-<hash>` stem
// (which names its .mir next to the rlib and the wrapper's type-size capture) and its final artifacts.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

/** The fields of cargo's `compiler-artifact` JSON message that we use. */
export interface ArtifactMessage {
  reason: 'compiler-artifact';
  package_id: string;
  manifest_path: string;
  target: { name: string; kind: string[]; crate_types: string[]; src_path: string };
  filenames: string[];
  executable: string | null;
  fresh: boolean;
  /** The profile settings cargo compiled the unit with. */
  profile?: {
    opt_level: string;
    debuginfo: number | string | null;
    debug_assertions: boolean;
    overflow_checks: boolean;
  };
}

export interface FinalArtifact {
  kind: 'bin' | 'example' | 'rlib' | 'cdylib' | 'staticlib' | 'dylib' | 'proc-macro';
  path: string;
  crateName: string;
  packageId: string;
}

/** `path+file:///x/core#driver-core@0.1.0` or `registry+https://...#tokio@1.24.2` or `path+file:///x/foo#0.1.0`. */
export function parsePackageId(id: string): { name: string; version: string } {
  const frag = id.slice(id.lastIndexOf('#') + 1);
  const at = frag.lastIndexOf('@');
  if (at >= 0) return { name: frag.slice(0, at), version: frag.slice(at + 1) };
  const path = id.slice(0, id.lastIndexOf('#')).replace(/\/+$/, '');
  return { name: path.slice(path.lastIndexOf('/') + 1), version: frag };
}

const HASHED = /-[0-9a-f]{16}$/;

/**
 * Finds a unit's `<crate>-<hash>` stem and output dir. Libraries list their hashed .rmeta/.rlib in deps/;
 * bins, examples and cdylibs list only the uplifted copy (`target/debug/app`), which cargo hard-links from
 * `deps/app-<hash>`: the file in deps/ with the same inode is the one.
 */
export function findUnit(msg: ArtifactMessage, crate: string): { outDir: string; stem: string } | undefined {
  const paths = [...msg.filenames, ...(msg.executable ? [msg.executable] : [])];
  for (const f of paths) {
    const stem = unitStem(basename(f), crate);
    if (stem) return { outDir: dirname(f), stem };
  }
  // Hashed names first: an example's hashed copy sits next to the uplifted one in `examples/`, and the
  // uplifted `demo` would otherwise pass for an unhashed unit of itself (and `demo.mir` does not exist).
  for (const stemOf of [unitStem, unhashedStem]) {
    for (const f of paths) {
      if (!existsSync(f)) continue;
      const ino = statSync(f).ino;
      const ext = extname(f);
      for (const dir of [join(dirname(f), 'deps'), dirname(f)]) {
        if (!existsSync(dir)) continue;
        for (const name of readdirSync(dir)) {
          if (extname(name) !== ext || join(dir, name) === f) continue;
          const stem = stemOf(name, crate);
          if (stem && statSync(join(dir, name)).ino === ino) return { outDir: dir, stem };
        }
      }
    }
  }
  return undefined;
}

/** `libtokio-0123456789abcdef.rlib` -> `tokio-0123456789abcdef` for crate `tokio`; undefined if not hashed. */
export function unitStem(fileName: string, crate: string): string | undefined {
  const noExt = fileName.slice(0, fileName.length - extname(fileName).length);
  for (const stem of [noExt, noExt.replace(/^lib/, '')]) {
    if (stem.startsWith(`${crate}-`) && HASHED.test(stem) && stem.length === crate.length + 17) return stem;
  }
  return undefined;
}

/**
 * A lib whose crate types include `cdylib` or `staticlib` gets no `-C extra-filename` from cargo (the C
 * library's name must be stable), so its rlib, .mir and capture are plain `libfoo.rlib`, `foo.mir`,
 * `foo.txt`. Only trusted when the file is the very one cargo reported (checked by inode above).
 */
export function unhashedStem(fileName: string, crate: string): string | undefined {
  const noExt = fileName.slice(0, fileName.length - extname(fileName).length);
  return noExt === crate || noExt === `lib${crate}` ? crate : undefined;
}

export function finalArtifacts(msg: ArtifactMessage, crate: string): FinalArtifact[] {
  const out: FinalArtifact[] = [];
  const base = { crateName: crate, packageId: msg.package_id };
  if (msg.executable) {
    out.push({
      ...base,
      kind: msg.target.kind.includes('example') ? 'example' : 'bin',
      path: msg.executable,
    });
  }
  for (const f of msg.filenames) {
    if (f === msg.executable) continue;
    const ext = extname(f);
    if (ext === '.rlib') out.push({ ...base, kind: 'rlib', path: f });
    else if (ext === '.a' || ext === '.lib') out.push({ ...base, kind: 'staticlib', path: f });
    else if (ext === '.so' || ext === '.dylib' || ext === '.dll') {
      const kind = msg.target.crate_types.includes('proc-macro')
        ? 'proc-macro'
        : msg.target.crate_types.includes('cdylib')
          ? 'cdylib'
          : 'dylib';
      out.push({ ...base, kind, path: f });
    }
  }
  return out;
}
