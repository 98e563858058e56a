import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSelectedMember, specNames } from '../../src/analyze/primary.ts';

test('a -p spec names packages as cargo reads package ID specs', () => {
  assert.ok(specNames('kvapi', 'kvapi'));
  assert.ok(!specNames('kvapi', 'kv-core'));
  assert.ok(specNames('kvapi@0.1.0', 'kvapi'));
  assert.ok(specNames('kvapi:0.1.0', 'kvapi'));
  assert.ok(specNames('path+file:///ws/kvapi#kvapi@0.1.0', 'kvapi'));
  assert.ok(!specNames('path+file:///ws/kvapi#kvapi@0.1.0', 'kv-core'));
  assert.ok(specNames('kv-*', 'kv-core'));
  assert.ok(!specNames('kv-*', 'kvapi'));
  assert.ok(specNames('kv?api', 'kv-api'));
});

test('without -p, or with --workspace, every member is selected', () => {
  assert.ok(isSelectedMember('kv-core', {}));
  assert.ok(isSelectedMember('kv-core', { package: ['kvapi'], workspace: true }));
  assert.ok(!isSelectedMember('kv-core', { package: ['kvapi'] }));
  assert.ok(isSelectedMember('kvapi', { package: ['kvapi'] }));
});
