import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathInside } from '../../src/paths.ts';

test('pathInside: relative with slashes inside the root, undefined outside it or at it', () => {
  assert.equal(pathInside('/w/crate', '/w/crate/src/lib.rs'), 'src/lib.rs');
  assert.equal(pathInside('/w/crate', '/w/crate/..cache/x.rs'), '..cache/x.rs');
  assert.equal(pathInside('/w/crate', '/w/other/lib.rs'), undefined);
  assert.equal(pathInside('/w/crate', '/w'), undefined);
  assert.equal(pathInside('/w/crate', '/w/crate'), undefined);
});
