// File paths as asyncbloat's documents write them: relative to a root, with forward slashes.
import { isAbsolute, relative, sep } from 'node:path';

/**
 * `file` relative to `root` with `/` separators, or undefined when it is not strictly inside `root`
 * (`..`, another drive, or the root itself). A name that merely starts with `..` (`..cache/x.rs`) is inside.
 */
export function pathInside(root: string, file: string): string | undefined {
  const r = relative(root, file);
  if (r === '' || r === '..' || r.startsWith(`..${sep}`) || isAbsolute(r)) return undefined;
  return r.split(sep).join('/');
}

/**
 * `name` under the normal path `dir`: appended, not joined (join normalizes the whole path again, which a
 * walk or a module tree does for thousands of paths). A root (`/`, `C:\\`) already ends with the separator.
 */
export const childPath = (dir: string, name: string): string =>
  dir.endsWith(sep) ? dir + name : dir + sep + name;

/**
 * `file` relative to `dir` with `/` separators, both normal absolute paths: a slice when `file` is under
 * `dir` (path.relative resolves both paths again), else what path.relative says.
 */
export function relativeSlashed(dir: string, file: string): string {
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  const r = file.startsWith(prefix) ? file.slice(prefix.length) : relative(dir, file);
  return sep === '/' ? r : r.split(sep).join('/');
}
