// Where a file sits in its crate decides its module path, the prefix rustc puts on every item in it.

/**
 * Module path of a file from its path relative to the crate directory (the one holding Cargo.toml),
 * with forward slashes. Crate roots (src/lib.rs, src/main.rs, src/bin/*.rs, src/bin/NAME/main.rs, build.rs,
 * tests/*.rs, examples/*.rs, benches/*.rs and their NAME/main.rs forms) give ''. `src/a/b.rs` and
 * `src/a/b/mod.rs` give `a::b`; a file in a bin target's directory (src/bin/NAME/x.rs) gives `x`; a
 * directory under tests/, examples/ or benches/ without main.rs is a shared module (`tests/common/mod.rs`
 * gives `common`). `#[path]` attributes are not followed.
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
