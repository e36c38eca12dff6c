export type IntegrationRule = 'riemann_left' | 'riemann_right' | 'riemann_middle' | 'riemann_trapezoid' | 'gausslegendre';

export interface Quadrature {
  /** Points on [0, 1] where the path is evaluated. */
  readonly alphas: Float64Array;
  /** Weight of each point. */
  readonly weights: Float64Array;
}

/**
 * Quadrature on [0, 1] with captum 0.7's exact conventions (`captum/attr/_utils/approximation_methods.py`):
 * Riemann left/right/middle use n equal steps; **riemann_trapezoid uses alphas = linspace(0, 1, n)
 * with step 1/n and the first and last steps halved, so its weights sum to (n−1)/n** (captum's
 * convention, kept so results match); Gauss–Legendre uses numpy.leggauss nodes mapped to [0, 1].
 */
export function quadrature(rule: IntegrationRule, n: number): Quadrature {
  const alphas = new Float64Array(n);
  const weights = new Float64Array(n).fill(1 / n);
  switch (rule) {
    case 'riemann_left':
      for (let k = 0; k < n; k++) alphas[k] = n === 1 ? 0 : (k * (1 - 1 / n)) / (n - 1);
      break;
    case 'riemann_right':
      for (let k = 0; k < n; k++) alphas[k] = n === 1 ? 1 : 1 / n + (k * (1 - 1 / n)) / (n - 1);
      break;
    case 'riemann_middle':
      for (let k = 0; k < n; k++) alphas[k] = n === 1 ? 0.5 : 1 / (2 * n) + (k * (1 - 1 / n)) / (n - 1);
      break;
    case 'riemann_trapezoid':
      for (let k = 0; k < n; k++) alphas[k] = n === 1 ? 0 : k / (n - 1);
      weights[0] = 1 / (2 * n);
      weights[n - 1] = 1 / (2 * n);
      break;
    case 'gausslegendre': {
      const { nodes, w } = gaussLegendre(n);
      for (let k = 0; k < n; k++) {
        alphas[k] = (nodes[k]! + 1) / 2;
        weights[k] = w[k]! / 2;
      }
      break;
    }
  }
  return { alphas, weights };
}

/** Gauss–Legendre nodes (ascending) and weights on [−1, 1] by Newton's method on P_n (Golub–Welsch accuracy). */
export function gaussLegendre(n: number): { nodes: Float64Array; w: Float64Array } {
  const nodes = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      const pn = n === 1 ? x : p1;
      const pn1 = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pn1)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    if (n === 1) dp = 1;
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    const weight = 2 / ((1 - x * x) * dp * dp);
    w[i] = weight;
    w[n - 1 - i] = weight;
  }
  if (n === 1) {
    nodes[0] = 0;
    w[0] = 2;
  }
  return { nodes, w };
}
