// Where the user can read a doc the CLI points to. The npm package ships docs/ beside dist/, so an installed
// asyncbloat names the file on disk (which matches the installed version), not a path in a repository the
// user may not have.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute path of docs/NAME in this installation (bundled in dist/ or run from src/ under tsx). */
export function docPath(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'docs', name);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return `docs/${name} in asyncbloat's repository`;
}
