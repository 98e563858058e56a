// The `static` declarations and `impl Trait` aliases of a crate's sources, for joining a static in the
// binary to the type rustc printed (measure/static-futures.ts). Read only for crates that have a static of
// some future's size; a file that cannot be read is skipped (the join then finds no declaration and lists
// nothing, rather than guessing).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CrateOutputs } from '../cargo/build.ts';
import type { CrateStatics } from '../measure/static-futures.ts';
import { implTraitAliases, staticDeclarations } from '../readers/rust-source/static-declarations.ts';
import { listRustFiles } from '../scan/walk.ts';

export async function readCrateStatics(
  crates: CrateOutputs[],
  wanted: ReadonlySet<string>,
  relative: (abs: string) => string,
): Promise<Map<string, CrateStatics>> {
  const out = new Map<string, CrateStatics>();
  for (const crate of wanted) {
    const dirs = new Set(crates.filter((c) => c.crateName === crate).map((c) => dirname(c.srcPath)));
    const statics: CrateStatics['statics'] = [];
    const aliases = new Set<string>();
    for (const dir of dirs)
      for (const f of (await listRustFiles(dir)).files) {
        let text: string;
        try {
          text = readFileSync(f.abs, 'utf8');
        } catch {
          continue;
        }
        for (const declaration of staticDeclarations(text))
          statics.push({ declaration, file: relative(f.abs) });
        for (const a of implTraitAliases(text)) aliases.add(a);
      }
    out.set(crate, { statics, implAliases: aliases });
  }
  return out;
}
