// Where a file sits in its crate decides its module path, the prefix rustc puts on every item in it.

/**
 * Module path of a file from its path relative to the crate directory (the one holding Cargo.toml),
 * with forward slashes. Crate roots (src/lib.rs, src/main.rs, src/bin/*.rs, build.rs, tests/*.rs,
 * examples/*.rs, benches/*.rs and their `NAME/main.rs` forms) give ''. `src/a/b.rs` and
 * `src/a/b/mod.rs` give `a::b`. `#[path]` attributes are not followed.
 */
export function modulePathOf(crateRelativePath: string): string {
  const parts = crateRelativePath.split('/').filter((p) => p !== '' && p !== '.');
  const top = parts[0];
  if (parts.length === 1) return ''; // build.rs, or a lone file scanned outside a crate
  if (top !== 'src' && top !== 'tests' && top !== 'examples' && top !== 'benches') {
    return ''; // not a layout cargo knows: treat as its own root rather than guess
  }
  let rest = parts.slice(1);
  if (top === 'src' && rest[0] === 'bin') rest = rest.slice(1);
  if (top !== 'src' || parts[1] === 'bin') {
    // tests/x.rs, examples/x.rs, src/bin/x.rs are crate roots; tests/x/main.rs too; tests/x/y.rs is module y.
    if (rest.length <= 1) return '';
    rest = rest.slice(1);
    if (rest.length === 1 && rest[0] === 'main.rs') return '';
  } else if (rest.length === 1 && (rest[0] === 'lib.rs' || rest[0] === 'main.rs')) {
    return '';
  }
  const last = rest[rest.length - 1]!;
  const modules = last === 'mod.rs' ? rest.slice(0, -1) : [...rest.slice(0, -1), last.replace(/\.rs$/, '')];
  return modules.join('::');
}
