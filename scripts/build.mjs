// Bundles the CLI, the library entry and the rustc wrapper with esbuild, copies the two tree-sitter
// wasm files next to them (web-tree-sitter loads them at run time) and emits .d.ts files with tsc.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import { tsImport } from 'tsx/esm/api';

const require = createRequire(import.meta.url);
const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// The HTML report's page script (src/report/html/client/), bundled once and inlined as a string constant.
const { buildClientScript } = await tsImport('../src/report/html/client-script.ts', import.meta.url);

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // web-tree-sitter probes for these Node built-ins under their bare names.
  external: ['fs/promises', 'module'],
  define: { __ASYNCBLOAT_REPORT_CLIENT__: JSON.stringify(buildClientScript()) },
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
};

// Split into chunks: a command loads only the code it runs (cli/program.ts imports commands on demand), so
// `scan` starts without compiling analyze, fix, the HTML report or the language server.
await esbuild.build({
  ...common,
  entryPoints: {
    cli: 'src/cli/main.ts',
    'cargo-asyncbloat': 'src/cli/cargo-main.ts',
    index: 'src/index.ts',
    readers: 'src/readers/index.ts',
    // worker thread entry for `scan`'s parsing pool; worker-pool.ts looks for it next to the bundle
    'scan-worker': 'src/scan/worker.ts',
  },
  outdir: out,
  splitting: true,
  chunkNames: 'chunk-[hash]',
});
// The rustc wrapper stands alone: the build copies it into the target dir (shim.ts), away from any chunk.
await esbuild.build({
  ...common,
  entryPoints: { 'rustc-wrapper': 'src/cargo/rustc-wrapper.ts' },
  outdir: out,
});
for (const bin of ['cli.js', 'cargo-asyncbloat.js']) {
  const path = join(out, bin);
  writeFileSync(path, `#!/usr/bin/env node\n${readFileSync(path, 'utf8')}`);
}

// The two bins are run directly (npm link, PATH) as well as through npm's shims.
for (const bin of ['cli.js', 'cargo-asyncbloat.js']) chmodSync(join(out, bin), 0o755);

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
