// A file's module path from its place in the crate (cargo's target layout).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { modulePathOf } from '../../src/readers/rust-source/module-path.ts';

it('derives module paths from cargo layout', () => {
  const cases: [string, string][] = [
    ['src/lib.rs', ''],
    ['src/main.rs', ''],
    ['src/radio.rs', 'radio'],
    ['src/radio/mod.rs', 'radio'],
    ['src/radio/driver.rs', 'radio::driver'],
    ['src/bin/tool.rs', ''],
    ['src/bin/tool/main.rs', ''],
    ['src/bin/tool/args.rs', 'args'],
    ['tests/it.rs', ''],
    ['tests/common/mod.rs', 'common'],
    ['tests/common/util.rs', 'common::util'],
    ['tests/suite/main.rs', ''],
    ['examples/demo.rs', ''],
    ['benches/b/main.rs', ''],
    ['build.rs', ''],
    ['lib.rs', ''],
    ['other/x.rs', ''],
  ];
  for (const [file, want] of cases) assert.equal(modulePathOf(file), want, file);
});
