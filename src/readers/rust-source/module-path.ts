// Where a file sits in its crate gives its module path, the prefix rustc puts on every item in it, when the
// crate's module tree (module-map.ts) does not reach the file to say otherwise.

/**
 * Module path of a file from its path relative to the crate directory (the one holding Cargo.toml),
 * with forward slashes, by cargo's layout alone. Crate roots (isCrateRoot) give ''. `src/a/b.rs` and
 * `src/a/b/mod.rs` give `a::b`; a file in a bin target's directory (src/bin/NAME/x.rs) gives `x`; a
 * directory under tests/, examples/ or benches/ without main.rs is a shared module (`tests/common/mod.rs`
 * gives `common`). This is rustc's path only for a file declared where it lies: `#[path]` and manifest
 * `path =` keys are followed by moduleMap, whose path wins for the files it reaches; this is the fallback
 * for the rest (files no `mod` reaches, a tree read in part).
 */
export function modulePathOf(crateRelativePath: string): string {
  const parts = crateRelativePath.split('/').filter((p) => p !== '' && p !== '.');
  const top = parts[0];
  let rest: string[];
  if (top === 'src' && parts[1] === 'bin') {
    rest = parts.slice(2);
    if (rest.length <= 1) return '';
    rest = rest.slice(1); // src/bin/NAME/ is the target's own directory
    if (rest.length === 1 && rest[0] === 'main.rs') return '';
  } else if (top === 'src') {
    rest = parts.slice(1);
    if (rest.length === 1 && (rest[0] === 'lib.rs' || rest[0] === 'main.rs')) return '';
  } else if (top === 'tests' || top === 'examples' || top === 'benches') {
    rest = parts.slice(1);
    if (rest.length === 1 || (rest.length === 2 && rest[1] === 'main.rs')) return '';
  } else {
    return ''; // build.rs, a lone file, or a layout cargo does not know: its own root rather than a guess
  }
  const last = rest[rest.length - 1]!;
  const modules = last === 'mod.rs' ? rest.slice(0, -1) : [...rest.slice(0, -1), last.replace(/\.rs$/, '')];
  return modules.join('::');
}

/**
 * Whether cargo makes the file a crate root by its place alone: src/lib.rs, src/main.rs, build.rs,
 * src/bin/NAME.rs and src/bin/NAME/main.rs, and the NAME.rs and NAME/main.rs of tests/, examples/ and
 * benches/.
 */
export function isCrateRoot(crateRelativePath: string): boolean {
  return /^(?:src\/(?:lib|main)\.rs|build\.rs|(?:src\/bin|tests|examples|benches)\/[^/]+(?:\.rs|\/main\.rs))$/.test(
    crateRelativePath,
  );
}
