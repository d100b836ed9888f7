/**
 * The nearest valid names to a misspelt one, for "did you mean" hints. Uses
 * Damerau-Levenshtein distance (transpositions count once) and keeps candidates within
 * a third of the name's length, at least 1 and at most 3 edits.
 */
export function suggestNames(wrong: string, candidates: Iterable<string>): string[] {
  const limit = Math.min(3, Math.max(1, Math.floor(wrong.length / 3)));
  const scored: Array<{ name: string; distance: number }> = [];
  for (const name of new Set(candidates)) {
    const distance = editDistance(wrong.toLowerCase(), name.toLowerCase());
    if (distance <= limit) scored.push({ name, distance });
  }
  scored.sort((a, b) => a.distance - b.distance || compareCodePoints(a.name, b.name));
  const best = scored[0]?.distance;
  return scored.filter((s) => s.distance === best).map((s) => s.name);
}

/** Code-point order, independent of the locale (names here are ASCII, so code units agree). */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
