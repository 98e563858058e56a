// `npm run bench`: runs every capability's benchmark in turn. Each module measures itself against a
// reference taken in the same run (grep, nm, a plain cargo build, ...) and prints ratios, so figures stay
// comparable across machines. Pass names to run a subset: `npm run bench -- scan elf`.
import { existsSync } from 'node:fs';

const all = ['scan', 'readers', 'elf', 'build', 'report', 'savings', 'precision', 'lsp'];
const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : all;

let failed = 0;
for (const name of names) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) {
    console.error(`bench: unknown benchmark '${name}' (known: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench: ${name}`);
  const mod = (await import(file.href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.error(`bench: ${name}.ts exports no run()`);
    failed++;
    continue;
  }
  try {
    await mod.run();
  } catch (e) {
    console.error(`bench: ${name} failed: ${(e as Error).stack}`);
    failed++;
  }
}
process.exitCode = failed === 0 ? 0 : 1;
