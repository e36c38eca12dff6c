/**
 * The trees an EBM boosts, on gradient histograms. Leaf values are Newton steps −G/H (scaled later by the
 * learning rate); split gain is the usual second-order gain G_L²/H_L + G_R²/H_R − G²/H (Friedman 2001;
 * Chen & Guestrin 2016), as InterpretML's libebm computes it.
 */

export interface SplitLimits {
  readonly minSamplesLeaf: number;
  readonly minHessian: number;
}

/** Histogram of one term on the bag's training rows: gradient, hessian and count per bin. */
export interface Histogram {
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly c: Float64Array;
}

function leafValue(g: number, h: number): number {
  return h > 0 ? -g / h : 0;
}

function score(g: number, h: number): number {
  return h > 0 ? (g * g) / h : 0;
}

interface Segment {
  readonly lo: number;
  readonly hi: number; // positions [lo, hi) in `order`
  readonly cut: number; // first position of the right part, or -1
  readonly gain: number;
}

/**
 * A tree with at most `maxLeaves` leaves on one feature's bins 1..m, in `order` (bin order for numbers;
 * categories sorted by their Newton value, so a cut is the best two-group partition, as LightGBM and
 * libebm do for nominals), grown best-first; bin 0 (missing) is a leaf of its own ("separate" in
 * interpret). Writes each bin's leaf value into `out` and returns the total gain.
 */
export function mainTreeStep(hist: Histogram, nBins: number, categorical: boolean, maxLeaves: number, limits: SplitLimits, out: Float64Array): number {
  const { g, h, c } = hist;
  const order = new Int32Array(nBins - 1);
  let m = 0;
  for (let b = 1; b < nBins; b++) if (c[b]! > 0) order[m++] = b;
  out.fill(0, 0, nBins);
  out[0] = c[0]! > 0 ? leafValue(g[0]!, h[0]!) : 0;
  if (m === 0) return 0;
  const used = order.subarray(0, m);
  if (categorical) used.sort((a, b) => leafValue(g[a]!, h[a]! + 1) - leafValue(g[b]!, h[b]! + 1) || a - b);
  const segments: Segment[] = [bestCut(used, 0, m, hist, limits)];
  let totalGain = 0;
  while (segments.length < maxLeaves) {
    let best = -1;
    for (let s = 0; s < segments.length; s++) if (segments[s]!.cut >= 0 && (best < 0 || segments[s]!.gain > segments[best]!.gain)) best = s;
    if (best < 0) break;
    const seg = segments[best]!;
    totalGain += seg.gain;
    segments.splice(best, 1, bestCut(used, seg.lo, seg.cut, hist, limits), bestCut(used, seg.cut, seg.hi, hist, limits));
  }
  for (const seg of segments) {
    let gs = 0;
    let hs = 0;
    for (let p = seg.lo; p < seg.hi; p++) {
      gs += g[used[p]!]!;
      hs += h[used[p]!]!;
    }
    const v = leafValue(gs, hs);
    if (categorical) for (let p = seg.lo; p < seg.hi; p++) out[used[p]!] = v;
    else {
      // an ordered feature's leaf is an interval of bins: bins without training rows in this bag (values seen
      // only in validation or at prediction) take the value of the interval they lie in, not zero
      const from = seg.lo === 0 ? 1 : used[seg.lo]!;
      const to = seg.hi === m ? nBins : used[seg.hi]!;
      for (let b = from; b < to; b++) out[b] = v;
    }
  }
  return totalGain;
}

function bestCut(order: Int32Array, lo: number, hi: number, hist: Histogram, limits: SplitLimits): Segment {
  const { g, h, c } = hist;
  let gt = 0;
  let ht = 0;
  let ct = 0;
  for (let p = lo; p < hi; p++) {
    gt += g[order[p]!]!;
    ht += h[order[p]!]!;
    ct += c[order[p]!]!;
  }
  const parent = score(gt, ht);
  let gl = 0;
  let hl = 0;
  let cl = 0;
  let bestGain = 0;
  let cut = -1;
  for (let p = lo; p < hi - 1; p++) {
    const b = order[p]!;
    gl += g[b]!;
    hl += h[b]!;
    cl += c[b]!;
    if (cl < limits.minSamplesLeaf || ct - cl < limits.minSamplesLeaf) continue;
    if (hl < limits.minHessian || ht - hl < limits.minHessian) continue;
    const gain = score(gl, hl) + score(gt - gl, ht - hl) - parent;
    if (gain > bestGain + 1e-12) {
      bestGain = gain;
      cut = p + 1;
    }
  }
  return { lo, hi, cut, gain: bestGain };
}

/** 2-D inclusive prefix sums of a (rows × cols) grid, in a (rows+1) × (cols+1) array with a zero border. */
function prefix(values: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const w = cols + 1;
  out.fill(0);
  for (let a = 0; a < rows; a++) {
    let run = 0;
    for (let b = 0; b < cols; b++) {
      run += values[a * cols + b]!;
      out[(a + 1) * w + b + 1] = out[a * w + b + 1]! + run;
    }
  }
}

/** Sum of the grid over rows [a0, a1) × cols [b0, b1) from prefix sums. */
function rect(p: Float64Array, w: number, a0: number, a1: number, b0: number, b1: number): number {
  return p[a1 * w + b1]! - p[a0 * w + b1]! - p[a1 * w + b0]! + p[a0 * w + b0]!;
}

/** Scratch space for pair steps, reused across steps of one term. */
export interface PairScratch {
  readonly pg: Float64Array;
  readonly ph: Float64Array;
  readonly pc: Float64Array;
}

export function pairScratch(rows: number, cols: number): PairScratch {
  const size = (rows + 1) * (cols + 1);
  return { pg: new Float64Array(size), ph: new Float64Array(size), pc: new Float64Array(size) };
}

/**
 * FAST (Lou, Caruana, Gehrke & Hooker, "Accurate intelligible models with pairwise interactions", KDD
 * 2013): the best split of a pair's grid into four quadrants by one cut on each feature, found in
 * O(rows·cols) with 2-D prefix sums. Returns the cut and its gain (the pair's strength); when `out` is
 * given, writes each grid cell's quadrant leaf value (the boosting step of a pair term).
 */
export function fastPairCut(hist: Histogram, rows: number, cols: number, limits: SplitLimits, scratch: PairScratch, out?: Float64Array): { gain: number; cutA: number; cutB: number } {
  const { pg, ph, pc } = scratch;
  prefix(hist.g, rows, cols, pg);
  prefix(hist.h, rows, cols, ph);
  prefix(hist.c, rows, cols, pc);
  const w = cols + 1;
  const gt = pg[rows * w + cols]!;
  const ht = ph[rows * w + cols]!;
  const parent = score(gt, ht);
  let best = 0;
  let cutA = -1;
  let cutB = -1;
  const minC = limits.minSamplesLeaf;
  const minH = limits.minHessian;
  const ct = pc[rows * w + cols]!;
  for (let a = 1; a < rows; a++) {
    const rowA = a * w;
    const rowEnd = rows * w;
    for (let b = 1; b < cols; b++) {
      // quadrant sums: low-low from the prefix directly, the others by differences
      const cLL = pc[rowA + b]!;
      const cLH = pc[rowA + cols]! - cLL;
      const cHL = pc[rowEnd + b]! - cLL;
      const cHH = ct - cLL - cLH - cHL;
      if (cLL < minC || cLH < minC || cHL < minC || cHH < minC) continue;
      const hLL = ph[rowA + b]!;
      const hLH = ph[rowA + cols]! - hLL;
      const hHL = ph[rowEnd + b]! - hLL;
      const hHH = ht - hLL - hLH - hHL;
      if (hLL < minH || hLH < minH || hHL < minH || hHH < minH) continue;
      const gLL = pg[rowA + b]!;
      const gLH = pg[rowA + cols]! - gLL;
      const gHL = pg[rowEnd + b]! - gLL;
      const gHH = gt - gLL - gLH - gHL;
      const gain = score(gLL, hLL) + score(gLH, hLH) + score(gHL, hHL) + score(gHH, hHH) - parent;
      if (gain > best + 1e-12) {
        best = gain;
        cutA = a;
        cutB = b;
      }
    }
  }
  if (out) writeQuadrants(rows, cols, cutA, cutB, pg, ph, out);
  return { gain: best, cutA, cutB };
}

function writeQuadrants(rows: number, cols: number, cutA: number, cutB: number, pg: Float64Array, ph: Float64Array, out: Float64Array): void {
  const w = cols + 1;
  if (cutA < 0) {
    out.fill(leafValue(pg[rows * w + cols]!, ph[rows * w + cols]!), 0, rows * cols);
    return;
  }
  for (let q = 0; q < 4; q++) {
    const [a0, a1] = q < 2 ? [0, cutA] : [cutA, rows];
    const [b0, b1] = q % 2 === 0 ? [0, cutB] : [cutB, cols];
    const v = leafValue(rect(pg, w, a0, a1, b0, b1), rect(ph, w, a0, a1, b0, b1));
    for (let a = a0; a < a1; a++) out.fill(v, a * cols + b0, a * cols + b1);
  }
}
