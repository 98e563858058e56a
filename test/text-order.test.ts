// compareText: code point order, the same as Rust's byte-wise `str` order, whatever the user's locale.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareText } from '../src/text-order.ts';

const sign = (n: number) => Math.sign(n);

describe('compareText', () => {
  it('orders as the UTF-8 bytes do (Rust `str` order), for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        assert.equal(sign(compareText(a, b)), sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 5000 },
    );
  });

  it('puts a character above U+FFFF after the private-use and CJK compatibility ranges, as code points do', () => {
    // UTF-16 code units alone would put '😀' (surrogates D83D DE00) before '\uFF01'.
    assert.ok(compareText('\u{1F600}', '\uFF01') > 0);
    assert.ok(compareText('\uE000', '\uD7FF') > 0);
    assert.equal(compareText('a', 'a'), 0);
    assert.ok(compareText('a', 'ab') < 0);
  });

  it('is what node sorts by, in a child process under a Danish or Estonian locale', () => {
    // localeCompare under da_DK sorts `aa` after `z`, under et_EE `t` after `z`: compareText does neither.
    const names = ['z.rs', 'aa.rs', 't.rs', 'B.rs', 'foo_bar.rs', 'foo/bar.rs'];
    const expected = [...names].sort(compareText);
    assert.deepEqual(expected, ['B.rs', 'aa.rs', 'foo/bar.rs', 'foo_bar.rs', 't.rs', 'z.rs']);
    for (const locale of ['da_DK.UTF-8', 'et_EE.UTF-8']) {
      const r = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          '--input-type=module',
          '-e',
          `import { compareText } from './src/text-order.ts';
           const names = ${JSON.stringify(names)};
           console.log(JSON.stringify({ ours: [...names].sort(compareText), locale: [...names].sort((a, b) => a.localeCompare(b)) }));`,
        ],
        { encoding: 'utf8', env: { ...process.env, LANG: locale, LC_ALL: locale } },
      );
      assert.equal(r.status, 0, r.stderr);
      const { ours, locale: byLocale } = JSON.parse(r.stdout) as { ours: string[]; locale: string[] };
      assert.deepEqual(ours, expected, locale);
      // The locale really changes localeCompare here: otherwise this test would prove nothing.
      assert.notDeepEqual(byLocale, expected, locale);
    }
  });
});
