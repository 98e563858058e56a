// The `.text` a static library reports (CrateSummary.textBytes, the denominator of the async share and
// of `max-async-text-share`): the workspace crates' own objects, not the standard library the archive
// bundles whole (core, ~270 compiler_builtins objects, compiler-rt's C objects), which a firmware link
// drops. Fixture: a no_std staticlib and a workspace member it depends on, dev (one object per crate)
// and release (fat LTO: one object). Oracle: `ar t` of the archive and of the sysroot's rlibs, `size -A`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { analyzeBuild } from '../../src/analyze/index.ts';
import { buildForAnalysis } from '../../src/cargo/build.ts';
import { loadCodeObjects, ownObjects } from '../../src/measure/code-objects.ts';
import { textBytes } from '../../src/readers/elf.ts';
import { CODE_FIXTURES, run } from './support/fixtures.ts';

const FIXTURE = resolve(CODE_FIXTURES, 'firmlib');

/** Names of every object in the toolchain's own rlibs (std, core, compiler_builtins and its C objects). */
function sysrootMembers(): Set<string> {
  // In the fixture's directory: the toolchain the build used (no --nightly).
  const rustc = (args: string[]) => execFileSync('rustc', args, { cwd: FIXTURE, encoding: 'utf8' });
  const host = /^host: (.*)$/m.exec(rustc(['-vV']))![1]!;
  const lib = join(rustc(['--print', 'sysroot']).trim(), 'lib', 'rustlib', host, 'lib');
  const names = new Set<string>();
  for (const f of readdirSync(lib).filter((f) => f.endsWith('.rlib')))
    for (const n of run('ar', ['t', join(lib, f)]).split('\n')) if (n) names.add(n);
  return names;
}

/** `.text` + `.text.*` bytes per archive member, from `size -A`. */
function sizeText(archive: string): Map<string, number> {
  const out = new Map<string, number>();
  let member = '';
  for (const line of run('size', ['-A', archive]).split('\n')) {
    const head = /^(\S+)\s+\(ex /.exec(line);
    if (head) {
      member = head[1]!;
      out.set(member, 0);
      continue;
    }
    const m = /^(\.text(?:\.\S*)?)\s+(\d+)\s/.exec(line);
    if (m) out.set(member, out.get(member)! + Number(m[2]));
  }
  return out;
}

for (const release of [false, true]) {
  describe(`staticlib .text, ${release ? 'release (fat LTO)' : 'dev'}`, () => {
    test('counts the workspace crates’ objects only; async share stays within .text', async () => {
      const build = await buildForAnalysis({
        manifestPath: FIXTURE,
        nightly: false,
        progress: false,
        release,
      });
      const report = await analyzeBuild(build);
      const archive = resolve(report.root, report.build.artifact!);
      assert.match(archive, /libfirmlib\.a$/);

      const std = sysrootMembers();
      const members = run('ar', ['t', archive]).split('\n').filter(Boolean);
      const own = members.filter((m) => !std.has(m));
      const bundled = members.filter((m) => std.has(m));
      assert.ok(
        bundled.some((m) => m.startsWith('compiler_builtins-')),
        'the archive bundles std objects',
      );
      // Dev: one object per crate; release: LTO merged the dependency into the library's object.
      assert.deepEqual(
        own.map((m) => m.replace(/-[0-9a-f]{16}\..*/, '')).sort(),
        release ? ['firmlib'] : ['firmdrv', 'firmlib'],
      );

      const text = sizeText(archive);
      const ownText = own.reduce((n, m) => n + text.get(m)!, 0);
      const allText = [...text.values()].reduce((n, b) => n + b, 0);
      assert.ok(ownText > 0 && allText > 20 * ownText, `own ${ownText} B of ${allText} B`);
      for (const name of ['firmlib', 'firmdrv']) {
        const c = report.crates.find((k) => k.name === name);
        assert.equal(c?.textBytes, ownText, `${name}: textBytes`);
        assert.ok(
          c.asyncCodeBytes !== undefined && c.asyncCodeBytes <= ownText,
          `${name}: async share ≤ 100 %`,
        );
      }
      assert.deepEqual(
        report.warnings.filter((w) => w.includes('static library')),
        [],
      );

      // Without the cargo unit (`<crate>-<hash>`), any `<crate>-<hex>.` member is the crate's.
      const { objects } = loadCodeObjects(readFileSync(archive), archive);
      const byName = ownObjects(objects, [
        { crateName: 'firmlib', unit: null },
        { crateName: 'firmdrv', unit: null },
      ]);
      assert.deepEqual(byName.map((o) => o.member).sort(), own.sort());
      assert.equal(
        byName.reduce((n, o) => n + textBytes(o.elf), 0),
        ownText,
      );
    });
  });
}
