// The build line every analysis output opens with (terminal table, Markdown, HTML header).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeBuild } from '../../src/report/build-line.ts';
import { escapeMarkdown, renderMarkdown } from '../../src/report/markdown.ts';
import { analysisReport } from './sample-reports.ts';

const nightly = 'rustc 1.97.0-nightly (e50aa6fba 2026-05-19)';

test('profile, compiler, RUSTC_BOOTSTRAP, a nightly that could not build the crate, and the target', () => {
  assert.equal(
    describeBuild({ profile: 'dev', toolchain: nightly, bootstrap: false }),
    `profile dev, ${nightly}`,
  );
  assert.equal(
    describeBuild({
      profile: 'release',
      toolchain: 'rustc 1.95.0 (59807616e 2026-04-14)',
      bootstrap: true,
      fallback: { toolchain: nightly, reason: '`proc-macro2` did not compile: error[E0635]' },
      target: 'thumbv7em-none-eabihf',
    }),
    `profile release, rustc 1.95.0 (59807616e 2026-04-14) (stable with RUSTC_BOOTSTRAP=1), target thumbv7em-none-eabihf (used instead of ${nightly}, which could not build the crate)`,
  );
});

test('the Markdown report carries the same line', () => {
  const report = analysisReport();
  report.build = { ...report.build, fallback: { toolchain: nightly, reason: 'x' } };
  const line = describeBuild(report.build);
  assert.match(line, /could not build the crate/);
  assert.ok(renderMarkdown(report).includes(`<sub>${escapeMarkdown(line)}</sub>`));
});

test('the codegen settings in force, and that the code is that of a plain cargo build', () => {
  const line = describeBuild({
    profile: 'release',
    toolchain: nightly,
    bootstrap: false,
    codegen: {
      optLevel: 's',
      debugAssertions: false,
      overflowChecks: false,
      rustflags: ['-C', 'panic=abort'],
    },
  });
  assert.equal(
    line,
    `profile release (opt-level s, RUSTFLAGS -C panic=abort; the machine code of a plain cargo build), ${nightly}`,
  );
});
