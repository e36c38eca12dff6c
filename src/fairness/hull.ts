/** An operating point of a thresholded score: predict positive iff score ≥ threshold (null = never). */
export interface OperatingPoint {
  readonly x: number;
  readonly y: number;
  readonly threshold: number | null;
}

/** Upper convex hull of points (sorted by x ascending; for equal x the highest y is kept). */
export function upperHull(points: readonly OperatingPoint[]): OperatingPoint[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const hull: OperatingPoint[] = [];
  for (const p of sorted) {
    if (hull.length > 0 && hull[hull.length - 1]!.x === p.x) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Drop b when it lies on or below the segment a → p.
      if ((b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x) >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

export interface Interpolated {
  readonly y: number;
  /** Mix: use `a` with probability 1 − p, `b` with probability p. */
  readonly a: OperatingPoint;
  readonly b: OperatingPoint;
  readonly p: number;
}

/** The hull's value at x by randomizing between the two hull points around it (x clamped to the hull's range). */
export function interpolate(hull: readonly OperatingPoint[], x: number): Interpolated {
  const first = hull[0]!;
  const last = hull[hull.length - 1]!;
  if (x <= first.x) return { y: first.y, a: first, b: first, p: 0 };
  if (x >= last.x) return { y: last.y, a: last, b: last, p: 0 };
  let j = 0;
  while (hull[j + 1]!.x < x) j++;
  const a = hull[j]!;
  const b = hull[j + 1]!;
  const p = (x - a.x) / (b.x - a.x);
  return { y: (1 - p) * a.y + p * b.y, a, b, p };
}
