// Every input line is understood or counted (issue #13): the MIR and type-sizes readers report each line of
// their input once, as understood, ignored (a kind each reader documents) or unparsed (counted in the
// result's `unparsed`). On mutated real outputs the reports must cover every line exactly once, and a
// character deleted from an understood line must leave it understood or make it unparsed, never let it vanish.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type LineKind, readMir, readTypeSizes } from 'asyncbloat/readers';
import fc from 'fast-check';
import { mutated, recorded } from './targets.ts';

const RUNS = 300;
const SEED = 20261204;

type Reader = (text: string, onLine: (line: number, kind: LineKind) => void) => void;

const READERS: { name: string; seeds: string[]; read: Reader; ignorable: RegExp }[] = [
  {
    name: 'mir',
    seeds: texts(recorded((n) => n.endsWith('.mir'))),
    read: (t, onLine) => void readMir(t, { onLine }),
    // What a deletion can legitimately turn an understood line into: a blank line, a comment, or a
    // declaration (`debug __awaitee` minus one `_` is a user's `_awaitee`).
    ignorable: /^\s*(?:$|\/\/|let |debug )/,
  },
  {
    name: 'type-sizes',
    seeds: texts(recorded((n) => n.endsWith('type-sizes.txt'))),
    read: (t, onLine) => void readTypeSizes(t, { onLine }),
    ignorable: /^\s*$/,
  },
];

function texts(bytes: Uint8Array[]): string[] {
  return bytes.map((b) => new TextDecoder().decode(b));
}

const linesOf = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

/** The kind of every line, asserting each line is reported exactly once. */
function account(read: Reader, text: string): LineKind[] {
  const n = linesOf(text).length;
  const kinds: LineKind[] = [];
  read(text, (line, kind) => {
    assert.ok(line >= 1 && line <= n, `line ${line} of ${n} reported`);
    assert.equal(kinds[line - 1], undefined, `line ${line} reported twice`);
    kinds[line - 1] = kind;
  });
  for (let i = 0; i < n; i++) assert.ok(kinds[i], `line ${i + 1} of ${n} not reported`);
  return kinds;
}

describe('every input line is understood, ignored or counted', () => {
  for (const { name, seeds, read, ignorable } of READERS) {
    test(`${name}: the seeds read with nothing unparsed`, () => {
      for (const seed of seeds) assert.ok(!account(read, seed).includes('unparsed'));
    });

    test(`${name}: mutated inputs (byte flips, cuts, line shuffles, splices): every line reported once`, () => {
      const bytes = seeds.map((s) => new TextEncoder().encode(s));
      fc.assert(
        fc.property(mutated(bytes), (input) => {
          const t = new TextDecoder().decode(input);
          const kinds = account(read, t);
          const unparsed = kinds.filter((k) => k === 'unparsed').length;
          const counted = name === 'mir' ? readMir(t).unparsed.count : readTypeSizes(t).unparsed.count;
          // An item or block that never closes is counted once for all its lines.
          assert.equal(counted > 0, unparsed > 0);
          assert.ok(counted <= unparsed);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    test(`${name}: characters deleted from an understood line leave it understood or unparsed`, () => {
      const understood = seeds.map((s) => {
        const kinds = account(read, s);
        return kinds.flatMap((k, i) => (k === 'understood' ? [i] : []));
      });
      fc.assert(
        fc.property(
          fc.nat({ max: seeds.length - 1 }),
          fc.nat(),
          fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
          (s, pick, cuts) => {
            const lines = linesOf(seeds[s]!);
            const at = understood[s]![pick % understood[s]!.length]!;
            let line = lines[at]!;
            for (const c of cuts)
              if (line.length > 0) line = line.slice(0, c % line.length) + line.slice((c % line.length) + 1);
            lines[at] = line;
            const kind = account(read, `${lines.join('\n')}\n`)[at];
            assert.ok(
              kind !== 'ignored' || ignorable.test(line),
              `${name}: line ${at + 1} ${JSON.stringify(line.slice(0, 120))} was understood, now ignored`,
            );
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    });
  }
});
