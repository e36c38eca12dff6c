/** Similarity measures between two attribution maps (Adebayo et al. 2018, §3). */

function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && v[idx[j + 1]!] === v[idx[i]!]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/** Spearman rank correlation (average ranks for ties); 0 when either map is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>, abs = false): number {
  const f = (v: ArrayLike<number>): ArrayLike<number> => (abs ? Array.from(v, Math.abs) : v);
  return pearson(ranks(f(a)), ranks(f(b)));
}

/** Scales |map| to [0, 1] by its maximum (Adebayo et al.'s normalisation before SSIM). */
function normalizeAbs(v: ArrayLike<number>): Float64Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  return Float64Array.from(v, (x) => (max > 0 ? Math.abs(x) / max : 0));
}

/**
 * Mean SSIM (Wang et al. 2004) of two h×w maps after scaling |map| to [0, 1]: 7×7 uniform windows
 * (fewer on small axes), data range 1, K1 = 0.01, K2 = 0.03, sample covariance — scikit-image's
 * `structural_similarity` defaults, averaged over fully-inside windows.
 */
export function ssim(a: ArrayLike<number>, b: ArrayLike<number>, h: number, w: number): number {
  const x = normalizeAbs(a);
  const y = normalizeAbs(b);
  const wh = Math.min(7, h);
  const ww = Math.min(7, w);
  const n = wh * ww;
  const c1 = 0.01 ** 2;
  const c2 = 0.03 ** 2;
  const cov = n > 1 ? n / (n - 1) : 1;
  let total = 0;
  let count = 0;
  for (let i = 0; i + wh <= h; i++) {
    for (let j = 0; j + ww <= w; j++) {
      let mx = 0;
      let my = 0;
      let mxx = 0;
      let myy = 0;
      let mxy = 0;
      for (let di = 0; di < wh; di++) for (let dj = 0; dj < ww; dj++) {
        const k = (i + di) * w + j + dj;
        mx += x[k]!;
        my += y[k]!;
        mxx += x[k]! * x[k]!;
        myy += y[k]! * y[k]!;
        mxy += x[k]! * y[k]!;
      }
      mx /= n;
      my /= n;
      const vx = cov * (mxx / n - mx * mx);
      const vy = cov * (myy / n - my * my);
      const vxy = cov * (mxy / n - mx * my);
      total += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return count > 0 ? total / count : 1;
}
