import { GlassboxError } from '../../errors.js';
import { centeredGramNorms, gramSession } from '../../model/ort-gram.js';
import { biasedHsic, doublyCentered, unbiasedHsic } from './hsic.js';
import { centerColumns, checkFinite, checkMatrix, checkPaired, crossProduct, gram, squaredDistances, sumSquares, type RepresentationMatrix } from './matrix.js';

export type CkaKernel = 'linear' | 'rbf';

export interface CkaOptions {
  /** 'linear' (default): K = XXᵀ; 'rbf': K_ij = exp(−‖x_i − x_j‖² / (2σ²)). */
  readonly kernel?: CkaKernel;
  /** Unbiased HSIC (Song et al. 2012) instead of the biased estimator (Nguyen et al. 2021's debiased CKA). */
  readonly debiased?: boolean;
  /** RBF bandwidth σ as this multiple of the median pairwise Euclidean distance (default 0.8, Kornblith et al.). */
  readonly sigmaFactor?: number;
  /**
   * Linear CKA only: 'float64' computes in JS in float64; 'onnxruntime' forms the Gram products in float32
   * with onnxruntime's sgemm (for large matrices). 'auto' (default): onnxruntime when both matrices are
   * float32 and hold more than 2 million values together, else float64.
   */
  readonly engine?: 'auto' | 'float64' | 'onnxruntime';
  /** How errors name the two matrices (default 'X', 'Y'), e.g. the files they came from. */
  readonly names?: readonly [string, string];
}

export interface CkaResult {
  readonly cka: number;
  readonly kernel: CkaKernel;
  readonly debiased: boolean;
  readonly n: number;
  /** HSIC(X, Y), HSIC(X, X), HSIC(Y, Y) with the estimator used (unscaled by (n − 1)² for the onnxruntime path). */
  readonly hsic: { readonly xy: number; readonly xx: number; readonly yy: number };
  /** RBF: the bandwidths used. */
  readonly sigma?: { readonly x: number; readonly y: number };
  readonly engine: 'float64' | 'onnxruntime';
}

/**
 * Centered Kernel Alignment between two representations of the same n examples (Kornblith, Norouzi, Lee
 * & Hinton, "Similarity of Neural Network Representations Revisited", ICML 2019):
 * CKA = HSIC(K, L) / √(HSIC(K, K) · HSIC(L, L)). Linear CKA uses the feature-space identity
 * ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) when n exceeds the widths, and the n × n Grams otherwise.
 * `debiased` uses the unbiased HSIC estimator (Song et al. 2012) as in Nguyen, Raghu & Kornblith (ICLR 2021).
 */
export async function cka(x: RepresentationMatrix, y: RepresentationMatrix, options: CkaOptions = {}): Promise<CkaResult> {
  const kernel = options.kernel ?? 'linear';
  const debiased = options.debiased ?? false;
  const linear = kernel === 'linear' && !debiased;
  checkPaired(x, y, { finite: !(linear && linearEngine(x, y, options.engine ?? 'auto') === 'onnxruntime'), ...(options.names ? { names: options.names } : {}) });
  const n = x.rows;
  if (debiased && n < 4) throw new GlassboxError('invalid_input', `Debiased CKA needs at least 4 examples; got ${n}.`, { argument: 'debiased' });
  if (linear) {
    const engine = linearEngine(x, y, options.engine ?? 'auto');
    const norms = engine === 'onnxruntime' ? await float32Norms(x, y, options.names ?? ['X', 'Y']) : linearNorms(x, y);
    return { cka: norms.xy / Math.sqrt(norms.xx * norms.yy), kernel, debiased, n, hsic: scaleHsic(norms, engine === 'onnxruntime' ? 1 : (n - 1) ** 2), engine };
  }
  if (options.engine === 'onnxruntime') throw new GlassboxError('invalid_argument', 'The onnxruntime engine computes biased linear CKA only.', { argument: 'engine', hint: "Use engine 'float64' for RBF or debiased CKA." });
  const [k, sx] = kernelMatrix(x, kernel, options.sigmaFactor ?? 0.8);
  const [l, sy] = kernelMatrix(y, kernel, options.sigmaFactor ?? 0.8);
  const hsic = debiased ? { xy: unbiasedHsic(k, l, n), xx: unbiasedHsic(k, k, n), yy: unbiasedHsic(l, l, n) } : biasedTriple(k, l, n);
  return { cka: hsic.xy / Math.sqrt(hsic.xx * hsic.yy), kernel, debiased, n, hsic, ...(kernel === 'rbf' ? { sigma: { x: sx, y: sy } } : {}), engine: 'float64' };
}

/**
 * The Gram norms in onnxruntime. The inputs' finiteness is checked by the result rather than by a JS pass
 * over every value first: a NaN or Inf anywhere makes a norm non-finite, and only then are the matrices
 * searched for the value to name.
 */
async function float32Norms(x: RepresentationMatrix, y: RepresentationMatrix, names: readonly [string, string]): Promise<{ xy: number; xx: number; yy: number }> {
  const norms = await centeredGramNorms(x.data as Float32Array, x.cols, y.data as Float32Array, y.cols);
  if (Number.isFinite(norms.xy) && Number.isFinite(norms.xx) && Number.isFinite(norms.yy)) return norms;
  checkFinite(x, names[0]);
  checkFinite(y, names[1]);
  throw new GlassboxError('invalid_input', 'The Gram products overflow float32: the representations hold values too large for float32 arithmetic.', { argument: 'engine', hint: "Scale the representations down, or use engine 'float64'." });
}

function linearEngine(x: RepresentationMatrix, y: RepresentationMatrix, engine: 'auto' | 'float64' | 'onnxruntime'): 'float64' | 'onnxruntime' {
  const float32 = x.data instanceof Float32Array && y.data instanceof Float32Array;
  if (engine === 'onnxruntime' && !float32) throw new GlassboxError('invalid_argument', 'The onnxruntime engine takes float32 matrices.', { argument: 'engine', hint: "Pass Float32Array data or use engine 'float64'." });
  return engine !== 'auto' ? engine : autoEngine(float32, x.data.length + y.data.length);
}

function autoEngine(float32: boolean, values: number): 'float64' | 'onnxruntime' {
  return float32 && values > 2_000_000 ? 'onnxruntime' : 'float64';
}

/** The shape and element type of a matrix not read yet (e.g. from a .npy header). */
export interface MatrixDescription {
  readonly rows: number;
  readonly cols: number;
  readonly float32: boolean;
}

/**
 * Starts what `cka` will need for matrices of these shapes (the onnxruntime session of the linear
 * engine) so that it is built while the matrices are still being read. Optional: `cka` builds it anyway.
 */
export function prepareCka(x: MatrixDescription, y: MatrixDescription, options: CkaOptions = {}): void {
  if ((options.kernel ?? 'linear') !== 'linear' || options.debiased === true) return;
  const float32 = x.float32 && y.float32;
  const engine = options.engine === 'onnxruntime' || options.engine === 'float64' ? options.engine : autoEngine(float32, x.rows * x.cols + y.rows * y.cols);
  if (engine === 'onnxruntime' && float32) gramSession(x.cols, y.cols).catch(() => undefined);
}

/** ‖YcᵀXc‖², ‖XcᵀXc‖², ‖YcᵀYc‖² in float64: from d × d products, or n × n Grams when n is the smaller side. */
function linearNorms(x: RepresentationMatrix, y: RepresentationMatrix): { xy: number; xx: number; yy: number } {
  const n = x.rows;
  const xc = centerColumns(x);
  const yc = centerColumns(y);
  if (n < Math.max(x.cols, y.cols)) {
    const k = gram(xc, n, x.cols);
    const l = gram(yc, n, y.cols);
    let xy = 0;
    for (let i = 0; i < n * n; i++) xy += k[i]! * l[i]!;
    return { xy, xx: sumSquares(k), yy: sumSquares(l) };
  }
  return { xy: sumSquares(crossProduct(yc, y.cols, xc, x.cols, n)), xx: sumSquares(crossProduct(xc, x.cols, xc, x.cols, n)), yy: sumSquares(crossProduct(yc, y.cols, yc, y.cols, n)) };
}

function scaleHsic(norms: { xy: number; xx: number; yy: number }, by: number): CkaResult['hsic'] {
  return { xy: norms.xy / by, xx: norms.xx / by, yy: norms.yy / by };
}

function biasedTriple(k: Float64Array, l: Float64Array, n: number): CkaResult['hsic'] {
  const kc = doublyCentered(k, n);
  const lc = doublyCentered(l, n);
  return { xy: biasedHsic(k, lc, n), xx: biasedHsic(k, kc, n), yy: biasedHsic(l, lc, n) };
}

/** The kernel matrix and, for RBF, σ = factor × the median of the n(n−1)/2 pairwise distances (numpy's median). */
export function kernelMatrix(m: RepresentationMatrix, kernel: CkaKernel, factor: number): [Float64Array, number] {
  if (kernel === 'linear') return [gram(Float64Array.from(m.data), m.rows, m.cols), Number.NaN];
  const n = m.rows;
  const d2 = squaredDistances(m);
  const distances = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) distances[p++] = Math.sqrt(d2[i * n + j]!);
  distances.sort();
  const half = distances.length >> 1;
  const median = distances.length % 2 ? distances[half]! : (distances[half - 1]! + distances[half]!) / 2;
  const sigma = factor * median;
  if (!(sigma > 0)) throw new GlassboxError('invalid_input', 'All examples have the same representation, so the RBF bandwidth (a multiple of the median distance) is 0.', { hint: 'Use the linear kernel, or representations that vary.' });
  const k = new Float64Array(n * n);
  const scale = -1 / (2 * sigma * sigma);
  for (let i = 0; i < n * n; i++) k[i] = Math.exp(d2[i]! * scale);
  return [k, sigma];
}

/**
 * What a layer contributes to every CKA it takes part in, computed once: the kernel H K H (biased
 * estimator) or K itself (unbiased), with its self-HSIC. Pairs then cost O(n²).
 */
export interface LayerKernel {
  readonly k: Float64Array;
  readonly self: number;
  readonly n: number;
  readonly debiased: boolean;
}

export function layerKernel(m: RepresentationMatrix, options: CkaOptions = {}): LayerKernel {
  checkMatrix(m, 'layer');
  const kernel = options.kernel ?? 'linear';
  const debiased = options.debiased ?? false;
  const n = m.rows;
  if (debiased) {
    const [k] = kernelMatrix(m, kernel, options.sigmaFactor ?? 0.8);
    return { k, self: unbiasedHsic(k, k, n), n, debiased };
  }
  const k = kernel === 'linear' ? gram(centerColumns(m), n, m.cols) : doublyCentered(kernelMatrix(m, kernel, options.sigmaFactor ?? 0.8)[0], n);
  return { k, self: sumSquares(k), n, debiased };
}

/** CKA of two layers from their precomputed kernels (same estimator, same examples). */
export function ckaOfKernels(a: LayerKernel, b: LayerKernel): number {
  if (a.debiased) return unbiasedHsic(a.k, b.k, a.n) / Math.sqrt(a.self * b.self);
  let xy = 0;
  for (let i = 0; i < a.k.length; i++) xy += a.k[i]! * b.k[i]!;
  return xy / Math.sqrt(a.self * b.self);
}
