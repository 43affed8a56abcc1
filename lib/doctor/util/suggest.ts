/** Closest-name suggestions for typos such as `flagger-loadtestr`. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The candidate nearest to `name`, if it is near enough to be a plausible typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const tolerance = Math.max(2, Math.floor(name.length / 3));
  if (bestDistance <= tolerance) return best;
  // A shortened or prefixed name, e.g. `loadtester` for `flagger-loadtester`, when only one candidate fits.
  const lower = name.toLowerCase();
  const containing = [...new Set(candidates)].filter((c) => c !== name && lower.length >= 3
    && (c.toLowerCase().includes(lower) || (c.length >= 3 && lower.includes(c.toLowerCase()))));
  return containing.length === 1 ? containing[0] : undefined;
}

/** `a, b, c`, or `a, b, … (12 in all)` when the list is long. */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}
