// Which built crates are the ones the user asked about. Like `cargo clippy -p NAME`, which lints the selected
// packages and not the workspace members they depend on, `analyze -p NAME` reports the selected packages'
// items; another member built only as a dependency is a dependency (listed with --deps).
import type { CargoSelection } from '../cargo/build.ts';

/**
 * True when `-p SPEC` (a cargo package ID spec: `name`, `name@1.2`, `name:1.2`, `path+file:///..#name@1.2`,
 * or a glob such as `kv-*`) names the package `name`.
 */
export function specNames(spec: string, name: string): boolean {
  const afterHash = spec.includes('#') ? spec.slice(spec.lastIndexOf('#') + 1) : spec;
  // `path+file:///dir#1.2.3` names a package by its directory and version only: no name to compare.
  if (spec.includes('#') && /^\d/.test(afterHash)) return true;
  const pkg = afterHash.split(/[@:]/)[0]!;
  if (!/[*?[]/.test(pkg)) return pkg === name;
  const re = pkg
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

/** Whether a workspace member's items are reported: every member, unless `-p` selects some of them. */
export function isSelectedMember(packageName: string, selection: CargoSelection): boolean {
  if (selection.workspace || !selection.package?.length) return true;
  return selection.package.some((spec) => specNames(spec, packageName));
}
