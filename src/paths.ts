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
