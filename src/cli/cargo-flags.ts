// The cargo-style flags shared by every command that builds the user's crate (analyze, savings, check):
// same names and meanings as `cargo build`, mapped onto the build driver's options.
import type { Command } from 'commander';
import { type BuildOptions, profileName } from '../cargo/build.ts';
import { UserError } from '../errors.ts';

/** What commander hands the action for these flags (camel-cased option names). */
export interface CargoFlagValues {
  manifestPath?: string;
  package?: string[];
  workspace?: boolean;
  features?: string[];
  allFeatures?: boolean;
  defaultFeatures?: boolean;
  target?: string;
  release?: boolean;
  profile?: string;
  lib?: boolean;
  bin?: string[];
  example?: string[];
  offline?: boolean;
  deps?: boolean;
  nightly?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the cargo flags to a command. Repeatable flags collect values; none consumes positional arguments. */
export function addCargoFlags(cmd: Command): Command {
  // commander lets the last of --nightly / --no-nightly win; cargo refuses contradictory flags, so do we.
  const toolchainFlags = new Set<string>();
  for (const flag of ['nightly', 'no-nightly']) {
    cmd.on(`option:${flag}`, () => {
      toolchainFlags.add(flag);
      if (toolchainFlags.size > 1) {
        throw new UserError(
          'the argument --nightly cannot be used with --no-nightly',
          'pass one of them: --nightly builds only with the nightly, --no-nightly only with your toolchain',
        );
      }
    });
  }
  return cmd
    .option('--manifest-path <path>', 'path to Cargo.toml (or its directory)')
    .option('-p, --package <spec>', 'package to build (repeatable)', collect)
    .option('--workspace', 'build all workspace members')
    .option(
      '-F, --features <features>',
      'features to activate, comma- or space-separated (repeatable)',
      collect,
    )
    .option('--all-features', 'activate all available features')
    .option('--no-default-features', 'do not activate the `default` feature')
    .option('--target <triple>', 'build for the target triple')
    .option('--release', 'build with the release profile')
    .option('--profile <name>', 'build with the given profile')
    .option('--lib', 'build only the library')
    .option('--bin <name>', 'build only the named binary (repeatable)', collect)
    .option('--example <name>', 'build only the named example (repeatable)', collect)
    .option('--offline', 'run cargo without accessing the network')
    .option('--deps', "include dependency crates' futures (all crates are built either way)")
    .option(
      '--nightly',
      'build only with the installed rustup nightly (default: it, when installed and no toolchain is pinned)',
    )
    .option('--no-nightly', 'build with your own toolchain and RUSTC_BOOTSTRAP=1, never the nightly');
}

/** `-F a,b -F "c d"` -> [a, b, c, d], as cargo reads them. */
export function splitFeatures(values: readonly string[]): string[] {
  return values.flatMap((v) => v.split(/[\s,]+/)).filter(Boolean);
}

/** Maps parsed flag values onto build options; `path` is a positional crate directory, if the command has one. */
export function toBuildOptions(values: CargoFlagValues, path?: string): BuildOptions {
  if (path && values.manifestPath) {
    throw new UserError(
      `both a path (${path}) and --manifest-path (${values.manifestPath}) were given`,
      'pass only one of them',
    );
  }
  profileName(values); // rejects --release with another --profile before any build starts
  const options: BuildOptions = {};
  const manifestPath = values.manifestPath ?? path;
  if (manifestPath) options.manifestPath = manifestPath;
  if (values.package?.length) options.package = values.package;
  if (values.workspace) options.workspace = true;
  const features = splitFeatures(values.features ?? []);
  if (features.length > 0) options.features = features;
  if (values.allFeatures) options.allFeatures = true;
  // commander turns `--no-default-features` into `defaultFeatures: false`.
  if (values.defaultFeatures === false) options.noDefaultFeatures = true;
  if (values.target) options.target = values.target;
  if (values.release) options.release = true;
  if (values.profile) options.profile = values.profile;
  if (values.lib) options.lib = true;
  if (values.bin?.length) options.bin = values.bin;
  if (values.example?.length) options.example = values.example;
  if (values.offline) options.offline = true;
  if (values.deps) options.deps = true;
  // commander gives true for --nightly, false for --no-nightly, undefined for neither (the default plan).
  if (values.nightly !== undefined) options.nightly = values.nightly;
  return options;
}
