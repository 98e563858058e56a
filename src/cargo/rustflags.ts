// The user's own rustflags, resolved the way cargo resolves them, so asyncbloat can add its flags without
// losing the user's. cargo takes the FIRST of these sources that is set and ignores the rest:
//   1. CARGO_ENCODED_RUSTFLAGS (0x1f-separated)   2. RUSTFLAGS (whitespace-separated)
//   3. target.<triple>.rustflags + every matching target.'cfg(..)'.rustflags (config files, CARGO_TARGET_<TRIPLE>_RUSTFLAGS)
//   4. build.rustflags (config files, CARGO_BUILD_RUSTFLAGS)
// Setting RUSTFLAGS ourselves would therefore silently drop a `.cargo/config.toml` `build.rustflags`. Instead
// build.ts passes (user's flags + ours) as CARGO_ENCODED_RUSTFLAGS, which also keeps flags with spaces intact.
// Config files are those cargo reads: `.cargo/config.toml` (or `.cargo/config`) in the directory cargo runs
// in and every parent, then $CARGO_HOME/config.toml; arrays from several files are joined, the file
// closest to the directory last. Not covered: `--config` command-line values and `include` in configs.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { UserError } from '../errors.ts';

export interface UserRustflags {
  flags: string[];
  /** Where they came from, for messages: `RUSTFLAGS`, `/x/.cargo/config.toml (build.rustflags)`, ... */
  source: string | null;
}

interface ConfigFile {
  path: string;
  data: Record<string, unknown>;
}

/** Config files in increasing precedence (home first, the directory's own last), as cargo merges them. */
export function configFiles(dir: string, env: NodeJS.ProcessEnv): ConfigFile[] {
  const paths: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    for (const name of ['config', 'config.toml']) {
      const p = join(d, '.cargo', name);
      if (existsSync(p)) {
        paths.push(p);
        break;
      }
    }
    if (dirname(d) === d) break;
  }
  const home = env.CARGO_HOME || join(homedir(), '.cargo');
  for (const name of ['config', 'config.toml']) {
    const p = join(home, name);
    if (existsSync(p)) {
      if (!paths.includes(p)) paths.push(p);
      break;
    }
  }
  return paths.reverse().map((path) => {
    try {
      return { path, data: parse(readFileSync(path, 'utf8')) as Record<string, unknown> };
    } catch (e) {
      throw new UserError(`cannot read cargo config ${path}: ${(e as Error).message}`);
    }
  });
}

function asFlags(value: unknown, where: string): string[] {
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  throw new UserError(`${where}: rustflags must be a string or an array of strings`);
}

function table(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Evaluates a `cfg(...)` predicate against `rustc --print cfg` lines (`unix`, `target_os="linux"`). */
export function cfgMatches(expr: string, cfgs: ReadonlySet<string>): boolean {
  const m = /^cfg\((.*)\)$/s.exec(expr.trim());
  if (!m) return false;
  let pos = 0;
  const src = m[1]!;
  const skip = () => {
    while (/\s/.test(src[pos] ?? '')) pos++;
  };
  const pred = (): boolean => {
    skip();
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(pos))?.[0];
    if (!name) throw new Error(`bad cfg expression ${expr}`);
    pos += name.length;
    skip();
    if (src[pos] === '(' && (name === 'all' || name === 'any' || name === 'not')) {
      pos++;
      const values: boolean[] = [];
      skip();
      while (src[pos] !== ')') {
        values.push(pred());
        skip();
        if (src[pos] === ',') pos++;
        skip();
        if (pos >= src.length) throw new Error(`unbalanced cfg expression ${expr}`);
      }
      pos++;
      if (name === 'all') return values.every(Boolean);
      if (name === 'any') return values.some(Boolean);
      return !values[0];
    }
    if (src[pos] === '=') {
      pos++;
      skip();
      const value = /^"([^"]*)"/.exec(src.slice(pos));
      if (!value) throw new Error(`bad cfg value in ${expr}`);
      pos += value[0].length;
      return cfgs.has(`${name}="${value[1]}"`);
    }
    return cfgs.has(name);
  };
  try {
    return pred();
  } catch (e) {
    throw new UserError(`cannot evaluate \`${expr}\` in a cargo config: ${(e as Error).message}`);
  }
}

export interface RustflagsQuery {
  /** Directory cargo runs in. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The triple being built for (`--target`, else the host). */
  triple: string;
  /** `rustc --print cfg` for that triple; only called when a config has `target.'cfg(..)'` rustflags. */
  cfgs: () => Promise<ReadonlySet<string>>;
}

/**
 * The target cargo builds for without `--target`: CARGO_BUILD_TARGET or the closest config's
 * `build.target` (embedded crates set it, together with `target.<triple>.rustflags` for the linker
 * script, so the triple decides which rustflags apply). Undefined means the host.
 */
export function configuredTarget(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  if (env.CARGO_BUILD_TARGET) return env.CARGO_BUILD_TARGET;
  let target: string | undefined;
  for (const f of configFiles(dir, env)) {
    const value = table(f.data.build)?.target;
    if (typeof value === 'string') target = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') {
      if (value.length > 1) {
        throw new UserError(
          `${f.path} sets several build targets (${value.join(', ')})`,
          'pick one with --target',
        );
      }
      target = value[0];
    }
  }
  return target;
}

export async function userRustflags(q: RustflagsQuery): Promise<UserRustflags> {
  const { env } = q;
  if (env.CARGO_ENCODED_RUSTFLAGS !== undefined) {
    const v = env.CARGO_ENCODED_RUSTFLAGS;
    return { flags: v === '' ? [] : v.split('\x1f'), source: 'CARGO_ENCODED_RUSTFLAGS' };
  }
  if (env.RUSTFLAGS !== undefined) {
    return { flags: env.RUSTFLAGS.split(/\s+/).filter(Boolean), source: 'RUSTFLAGS' };
  }
  const files = configFiles(q.dir, env);
  const targetFlags: string[] = [];
  const targetSources: string[] = [];
  const tripleEnv = `CARGO_TARGET_${q.triple.toUpperCase().replace(/[-.]/g, '_')}_RUSTFLAGS`;
  let cfgs: ReadonlySet<string> | undefined;
  for (const f of files) {
    const targets = table(f.data.target) ?? {};
    for (const [key, value] of Object.entries(targets)) {
      const flags = table(value)?.rustflags;
      if (flags === undefined) continue;
      let matches = key === q.triple;
      if (key.startsWith('cfg(')) {
        cfgs ??= await q.cfgs();
        matches = cfgMatches(key, cfgs);
      }
      if (!matches) continue;
      targetFlags.push(...asFlags(flags, `${f.path} target.${key}.rustflags`));
      targetSources.push(`${f.path} (target.${key}.rustflags)`);
    }
  }
  if (env[tripleEnv] !== undefined) {
    targetFlags.push(...asFlags(env[tripleEnv], tripleEnv));
    targetSources.push(tripleEnv);
  }
  if (targetSources.length > 0) return { flags: targetFlags, source: targetSources.join(', ') };

  const buildFlags: string[] = [];
  const buildSources: string[] = [];
  for (const f of files) {
    const flags = table(f.data.build)?.rustflags;
    if (flags === undefined) continue;
    buildFlags.push(...asFlags(flags, `${f.path} build.rustflags`));
    buildSources.push(`${f.path} (build.rustflags)`);
  }
  if (env.CARGO_BUILD_RUSTFLAGS !== undefined) {
    buildFlags.push(...asFlags(env.CARGO_BUILD_RUSTFLAGS, 'CARGO_BUILD_RUSTFLAGS'));
    buildSources.push('CARGO_BUILD_RUSTFLAGS');
  }
  return { flags: buildFlags, source: buildSources.length > 0 ? buildSources.join(', ') : null };
}

/** `rustc --print cfg`, for evaluating `target.'cfg(..)'.rustflags` in cargo configs. */
export function rustcCfgs(
  env: NodeJS.ProcessEnv,
  cwd: string,
  target?: string,
): Promise<ReadonlySet<string>> {
  const args = ['--print', 'cfg', ...(target ? ['--target', target] : [])];
  return new Promise((done, fail) => {
    const child = spawn(env.RUSTC || 'rustc', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done(new Set(out.split('\n').filter(Boolean)));
      else fail(new UserError(`\`rustc --print cfg\` failed: ${err.trim()}`));
    });
  });
}
