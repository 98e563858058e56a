import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childPath, pathInside, relativeSlashed } from '../../src/paths.ts';

test('pathInside: relative with slashes inside the root, undefined outside it or at it', () => {
  assert.equal(pathInside('/w/crate', '/w/crate/src/lib.rs'), 'src/lib.rs');
  assert.equal(pathInside('/w/crate', '/w/crate/..cache/x.rs'), '..cache/x.rs');
  assert.equal(pathInside('/w/crate', '/w/other/lib.rs'), undefined);
  assert.equal(pathInside('/w/crate', '/w'), undefined);
  assert.equal(pathInside('/w/crate', '/w/crate'), undefined);
});

test('childPath appends a name, also to a root; relativeSlashed slices under a directory, else is path.relative', () => {
  assert.equal(childPath('/w/crate', 'src'), '/w/crate/src');
  assert.equal(childPath('/', 'src'), '/src');
  assert.equal(relativeSlashed('/w/crate', '/w/crate/src/lib.rs'), 'src/lib.rs');
  assert.equal(relativeSlashed('/', '/src/lib.rs'), 'src/lib.rs');
  // A sibling whose name starts with the directory's is not under it.
  assert.equal(relativeSlashed('/w/crate', '/w/crate-b/lib.rs'), '../crate-b/lib.rs');
  assert.equal(relativeSlashed('/w/crate', '/w/other/lib.rs'), '../other/lib.rs');
  assert.equal(relativeSlashed('/w/crate', '/w/crate'), '');
});
