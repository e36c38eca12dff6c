/**
 * Whether (x, y) lies inside the polygon (even–odd rule, ray cast to +x). Points on a horizontal edge's
 * line count once because each edge is half-open in y.
 */
export function insidePolygon(x: number, y: number, polygon: ArrayLike<number>): boolean {
  let inside = false;
  const n = polygon.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = polygon[2 * i]!;
    const yi = polygon[2 * i + 1]!;
    const xj = polygon[2 * j]!;
    const yj = polygon[2 * j + 1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Indices of the points (xs[i], ys[i]) inside the lasso polygon (flat [x0, y0, x1, y1, …]), after a bounding-box test. */
export function lassoSelect(xs: ArrayLike<number>, ys: ArrayLike<number>, polygon: ArrayLike<number>): number[] {
  if (polygon.length < 6) return [];
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (let k = 0; k < polygon.length; k += 2) {
    x0 = Math.min(x0, polygon[k]!);
    x1 = Math.max(x1, polygon[k]!);
    y0 = Math.min(y0, polygon[k + 1]!);
    y1 = Math.max(y1, polygon[k + 1]!);
  }
  const hits: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && insidePolygon(x, y, polygon)) hits.push(i);
  }
  return hits;
}
