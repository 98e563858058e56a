// The report page's script as one string. `npm run build` bundles src/report/html/client/ once and inlines the
// result into dist/ through esbuild's `define` (scripts/build.mjs); when running from src (tsx, tests) it is
// bundled here on first use with esbuild, a devDependency that the shipped CLI never needs.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

declare const __ASYNCBLOAT_REPORT_CLIENT__: string | undefined;

let built: string | undefined;

/** Bundles client/main.ts with d3-hierarchy's treemap code into a minified IIFE (about 20 KB). */
export function buildClientScript(): string {
  // Loaded through createRequire so that bundling the CLI does not pull esbuild in.
  const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = esbuild.buildSync({
    entryPoints: [fileURLToPath(new URL('./client/main.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export function clientScript(): string {
  if (typeof __ASYNCBLOAT_REPORT_CLIENT__ === 'string') return __ASYNCBLOAT_REPORT_CLIENT__;
  built ??= buildClientScript();
  return built;
}
