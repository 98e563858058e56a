// The diff is checked by an independent oracle: `git apply` must turn the old file into the new one.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { unifiedDiff } from '../../src/fix/unified-diff.ts';

function gitApply(before: string, after: string, file = 'src/lib.rs'): void {
  const dir = mkdtempSync(join(tmpdir(), 'ab-diff-'));
  try {
    execFileSync('mkdir', ['-p', join(dir, 'src')]);
    writeFileSync(join(dir, file), before);
    const patch = unifiedDiff(file, before, after, { header: ['rule: did a thing; note: laziness'] });
    writeFileSync(join(dir, 'p.diff'), patch);
    execFileSync('git', ['apply', '--whitespace=nowarn', 'p.diff'], { cwd: dir, stdio: 'pipe' });
    assert.equal(readFileSync(join(dir, file), 'utf8'), after, patch);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (n: number, prefix = 'line') =>
  Array.from({ length: n }, (_, i) => `${prefix} ${i}\n`).join('');

test('equal texts give no diff', () => {
  assert.equal(unifiedDiff('a.rs', 'x\n', 'x\n'), '');
});

test('header, file names and a single hunk with 3 lines of context', () => {
  const before = lines(10);
  const after = before.replace('line 5\n', 'LINE FIVE\n');
  const d = unifiedDiff('src/lib.rs', before, after, {
    header: ['no-await: drop async; note: runs at the call'],
  });
  assert.equal(
    d,
    [
      '# no-await: drop async; note: runs at the call',
      '--- a/src/lib.rs',
      '+++ b/src/lib.rs',
      '@@ -3,7 +3,7 @@',
      ' line 2',
      ' line 3',
      ' line 4',
      '-line 5',
      '+LINE FIVE',
      ' line 6',
      ' line 7',
      ' line 8',
      '',
    ].join('\n'),
  );
  gitApply(before, after);
});

test('distant changes make separate hunks, close ones merge; git apply agrees', () => {
  const before = lines(40);
  const far = before.replace('line 2\n', 'two\n').replace('line 30\n', 'thirty\n');
  assert.equal(unifiedDiff('src/lib.rs', before, far).match(/^@@/gm)?.length, 2);
  gitApply(before, far);
  const near = before.replace('line 2\n', 'two\n').replace('line 8\n', 'eight\n');
  assert.equal(unifiedDiff('src/lib.rs', before, near).match(/^@@/gm)?.length, 1);
  gitApply(before, near);
});

test('CRLF, BOM, unicode, insertions, deletions and a missing final newline', () => {
  const before = '\uFEFFfn 送信() {\r\n    a().await;\r\n    b().await;\r\n}\r\n// 🦀 end';
  const after = '\uFEFFfn 送信() {\r\n    x(🦀).await;\r\n}\r\n// 🦀 end\n';
  gitApply(before, after);
  gitApply('', 'new\n');
  gitApply('old\n', '');
  gitApply(lines(5), lines(5) + lines(3, 'more'));
  gitApply(lines(5, 'a') + lines(5), lines(5));
  const d = unifiedDiff('src/lib.rs', 'a\nb', 'a\nc');
  assert.match(d, /-b\n\\ No newline at end of file\n\+c\n\\ No newline at end of file\n/);
});

test('randomised edits: git apply reproduces the new text', () => {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 30; round++) {
    const a = Array.from({ length: 5 + rand(30) }, () => `l${rand(6)}`);
    const b = [...a];
    for (let k = 0; k < 1 + rand(5); k++) {
      const op = rand(3);
      const at = rand(b.length + 1);
      if (op === 0) b.splice(at, 0, `new${rand(100)}`);
      else if (op === 1 && b.length > 0) b.splice(Math.min(at, b.length - 1), 1);
      else if (b.length > 0) b[Math.min(at, b.length - 1)] = `chg${rand(100)}`;
    }
    gitApply(`${a.join('\n')}\n`, `${b.join('\n')}${rand(2) ? '\n' : ''}`);
  }
});
