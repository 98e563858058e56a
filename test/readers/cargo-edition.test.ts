import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { editionOf } from '../../src/readers/cargo-edition.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-edition-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the edition as cargo reads it: the package, the workspace it inherits from, or 2015', () => {
  const pkg = (name: string, body: string) => {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\n${body}`);
    return join(dir, name);
  };
  writeFileSync(
    join(dir, 'Cargo.toml'),
    '[workspace]\nmembers = ["*"]\n[workspace.package]\nedition = "2024"\n',
  );
  assert.equal(editionOf(pkg('own', 'edition = "2018"\n')), '2018');
  assert.equal(editionOf(pkg('inherits', 'edition.workspace = true\n')), '2024');
  assert.equal(editionOf(pkg('none', '')), '2015');
});
