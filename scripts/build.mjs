// Bundles the CLI, the library entry and the rustc wrapper with esbuild, copies the two tree-sitter
// wasm files next to them (web-tree-sitter loads them at run time) and emits .d.ts files with tsc.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // web-tree-sitter probes for these Node built-ins under their bare names.
  external: ['fs/promises', 'module'],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};

await esbuild.build({
  ...common,
  entryPoints: {
    cli: 'src/cli/main.ts',
    'cargo-asyncbloat': 'src/cli/cargo-main.ts',
    index: 'src/index.ts',
    'rustc-wrapper': 'src/cargo/rustc-wrapper.ts',
  },
  outdir: out,
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});

copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), join(out, 'web-tree-sitter.wasm'));
copyFileSync(
  join(dirname(require.resolve('tree-sitter-rust/package.json')), 'tree-sitter-rust.wasm'),
  join(out, 'tree-sitter-rust.wasm'),
);

execFileSync(
  process.execPath,
  [join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { stdio: 'inherit' },
);
