// The `help:` line after a failed analysis build. cargo's own errors are shown verbatim above it; this says
// what kind of failure it was and what to do, because "the crate must build" is wrong advice when the
// crate builds fine and a flag was wrong, a target is missing, or only the nightly cannot build it.
import { stripVTControlCharacters } from 'node:util';
import type { Toolchain } from './toolchain.ts';

export function buildErrorHelp(stderr: string, toolchain: Toolchain): string {
  const text = stripVTControlCharacters(stderr); // cargo colours its messages
  const uninstalled = /the `([^`]+)` target may not be installed/.exec(text);
  if (uninstalled) {
    const plus = toolchain.env.RUSTUP_TOOLCHAIN ? ` --toolchain ${toolchain.env.RUSTUP_TOOLCHAIN}` : '';
    return `install the target for the toolchain that builds the analysis: \`rustup target add ${uninstalled[1]}${plus}\``;
  }
  if (/^error: profile `[^`]+` is not defined/m.test(text)) {
    return 'the profile is not defined: add a [profile.NAME] section (with `inherits`) to Cargo.toml, or use --release';
  }
  if (/^error: package ID specification `[^`]+` did not match any packages/m.test(text)) {
    return '-p takes the name of a workspace member or dependency (`cargo metadata` lists them)';
  }
  if (
    /^error: no (bin|example|test|bench) target named `|^error: no library targets found in package/m.test(
      text,
    )
  ) {
    return 'the target selection (--lib, --bin, --example) does not match the package: choose one of its targets, or leave the selection out';
  }
  if (toolchain.reason === '--nightly') {
    return 'the installed nightly could not build the crate or a dependency: without --nightly asyncbloat falls back to your toolchain when the nightly fails, and --no-nightly never tries it';
  }
  return 'the errors above are cargo’s: asyncbloat analyses a crate that builds (`cargo build` with the same flags shows the same errors)';
}
