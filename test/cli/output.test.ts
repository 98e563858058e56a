import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { emit } from '../../src/cli/output.ts';

const dir = mkdtempSync(join(tmpdir(), 'asyncbloat-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('-o FILE replaces the file atomically and leaves no temporary file', () => {
  const out = join(dir, 'report.json');
  emit('first', out);
  emit('second', out);
  assert.equal(readFileSync(out, 'utf8'), 'second');
  assert.deepEqual(readdirSync(dir), ['report.json']);
});

test('-o /dev/null writes to the device instead of replacing it', () => {
  emit('discarded', '/dev/null');
  assert.ok(statSync('/dev/null').isCharacterDevice(), '/dev/null is still a character device');
});
