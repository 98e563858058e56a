// "did you mean" suggestions for mistyped configuration keys, rule ids and levels.

export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The closest known word, when it is close enough to be a plausible typo. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const w = word.toLowerCase().replaceAll('_', '-');
    // `warning` for `warn`: a word that extends a known one is as likely a slip as a typo.
    const prefix = Math.min(w.length, k.length) >= 3 && (w.startsWith(k) || k.startsWith(w));
    const d = prefix ? 1 : editDistance(w, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}
