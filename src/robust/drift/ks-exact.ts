/**
 * Exact null distribution of the two-sided two-sample Kolmogorov–Smirnov statistic, P(D_{m,n} ≥ d), by
 * counting lattice paths from (0, 0) to (m, n) (Hodges 1958, "The significance probability of the Smirnov
 * two-sample test", Arkiv för Matematik 3, following Drion, Gnedenko and Korolyuk). Written after the
 * algorithms scipy.stats.ks_2samp uses for method='exact' (scipy/stats/_stats_py.py and
 * _stats_pythran.py), in our own code:
 *
 * - m = n: the closed form 2·Σ_k (−1)^{k−1} C(2n, n − k·h) / C(2n, n), evaluated as a Horner-like nested
 *   product of ratios so that no binomial coefficient is formed (no overflow, no cancellation).
 * - m ≠ n: the "inside" recursion over columns of the lattice, rewritten to carry 1 − (fraction of paths
 *   strictly inside the band) directly (Viehmann 2021, arXiv:2102.08037), which stays accurate for small
 *   p-values. The band is |x/m − y/n| < h/lcm(m, n) with h = round(d·lcm).
 *
 * Cost is O(m·window) for m ≠ n, where the window is about 2·d·n cells; callers choose the exact method
 * only for samples of at most 10,000 values (scipy's rule).
 */
export function ksExactPValue(m: number, n: number, d: number): number {
  const g = gcd(m, n);
  const lcm = (m / g) * n;
  const h = Math.round(d * lcm);
  if (h === 0) return 1;
  const p = m === n ? outsideSquare(m, h) : outsideBand(m, n, g, h);
  return Math.min(1, Math.max(0, p));
}

export function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** P(D_{n,n} ≥ h/n) = 2·A₀(1 − A₁(1 − A₂(1 − …))) with Aₖ the ratio of C(2n, n − (k+1)h) to C(2n, n − kh). */
function outsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Fraction of lattice paths from (0,0) to (m,n) that touch |n·x − m·y|/g ≥ h, column by column. Each cell
 * holds 1 − (paths inside up to here)/C(x+y, y); cells outside the band hold 1.
 */
function outsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj]! * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1]!;
}
