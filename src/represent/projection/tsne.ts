import { GlassboxError, throwIfAborted } from '../../errors.js';
import { Rng } from '../../rng.js';
import { checkMatrix, type RepresentationMatrix } from '../cka/matrix.js';
import { exactNeighbors } from './neighbors.js';
import { pca } from './pca.js';
import { conditionalProbabilities, jointProbabilities, type JointProbabilities } from './perplexity.js';
import { QuadTree } from './quadtree.js';

export interface TsneOptions {
  /** Effective number of neighbours (default 30); each point's k = min(n − 1, ⌊3·perplexity + 1⌋) neighbours are used. */
  readonly perplexity?: number;
  /** Total gradient-descent iterations (default 1000), the first `exaggerationIterations` of them exaggerated. */
  readonly iterations?: number;
  readonly earlyExaggeration?: number;
  readonly exaggerationIterations?: number;
  /** Step size; 'auto' (default) = max(n / earlyExaggeration / 4, 50), as scikit-learn ≥ 1.2. */
  readonly learningRate?: number | 'auto';
  /** Barnes–Hut opening angle (default 0.5; 0 = exact repulsion, slow). */
  readonly theta?: number;
  /** 'pca' (default): PCA coordinates scaled so the first has std 1e-4; 'random': N(0, 1e-4²). */
  readonly init?: 'pca' | 'random';
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, stage: string) => void;
}

export interface TsneResult {
  /** n × 2 coordinates (row-major). */
  readonly coordinates: Float64Array;
  readonly components: 2;
  readonly perplexity: number;
  /** KL(P ‖ Q) of the final embedding, with Q from the Barnes–Hut normalisation. */
  readonly klDivergence: number;
  /** Iterations run (fewer than asked when the gradient norm fell below 1e-7 or the KL stopped improving). */
  readonly iterations: number;
  readonly learningRate: number;
  readonly seed: number;
}

/**
 * t-SNE (van der Maaten & Hinton 2008) with the Barnes–Hut approximation of the gradient (van der Maaten 2014,
 * "Accelerating t-SNE using tree-based algorithms"): exact k-nearest-neighbour input similarities calibrated to
 * the perplexity, sparse symmetric P, quadtree repulsion with opening angle θ. Optimiser and defaults follow
 * scikit-learn's `TSNE` (≥ 1.2): early exaggeration 12 for 250 iterations with momentum 0.5, then momentum 0.8;
 * per-parameter gains (+0.2 / ×0.8, floor 0.01); learning rate 'auto'; PCA initialisation scaled to std 1e-4.
 * Deterministic: the seed only enters the (randomized) PCA or the random initialisation. 2 components.
 */
export async function tsne(m: RepresentationMatrix, options: TsneOptions = {}): Promise<TsneResult> {
  checkMatrix(m, 'X');
  const n = m.rows;
  const perplexity = options.perplexity ?? 30;
  if (!(perplexity > 0 && perplexity < n)) throw new GlassboxError('invalid_argument', `perplexity must be in (0, ${n}) (below the number of points); got ${perplexity}.`, { argument: 'perplexity', hint: 'Typical values are 5–50; use fewer for small data sets.' });
  const iterations = options.iterations ?? 1000;
  const exaggeration = options.earlyExaggeration ?? 12;
  const exploration = Math.min(iterations, options.exaggerationIterations ?? 250);
  if (!(Number.isInteger(iterations) && iterations >= 1)) throw new GlassboxError('invalid_argument', `iterations must be a positive integer; got ${iterations}.`, { argument: 'iterations' });
  const theta = options.theta ?? 0.5;
  const seed = options.seed ?? 0;
  const learningRate = options.learningRate === undefined || options.learningRate === 'auto' ? Math.max(n / exaggeration / 4, 50) : options.learningRate;
  const progress = options.onProgress;

  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const graph = exactNeighbors(m, k, { signal: options.signal, onProgress: (d, t) => progress?.(d, t, 'nearest neighbours') });
  const { p: conditional } = conditionalProbabilities(graph, n, perplexity);
  const P = jointProbabilities(graph, n, conditional);
  const y = initialise(m, options.init ?? 'pca', seed);

  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const tree = new QuadTree();
  let kl = Infinity;
  let done = 0;
  for (const stage of [
    { from: 0, to: exploration, momentum: 0.5, exaggeration },
    { from: exploration, to: iterations, momentum: 0.8, exaggeration: 1 },
  ]) {
    let best = Infinity;
    let bestIteration = stage.from;
    for (let it = stage.from; it < stage.to; it++) {
      if (it % 10 === 0) {
        throwIfAborted(options.signal);
        progress?.(it, iterations, 'optimising');
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const check = (it + 1) % 50 === 0 || it === iterations - 1;
      const error = gradient(y, n, P, stage.exaggeration, theta, tree, grad, check);
      let norm = 0;
      for (let t = 0; t < 2 * n; t++) {
        const g = grad[t]!;
        norm += g * g;
        const gain = update[t]! * g < 0 ? gains[t]! + 0.2 : gains[t]! * 0.8;
        gains[t] = gain < 0.01 ? 0.01 : gain;
        update[t] = stage.momentum * update[t]! - learningRate * g * gains[t]!;
        y[t]! += update[t]!;
      }
      done = it + 1;
      if (check) {
        kl = error;
        if (error < best) {
          best = error;
          bestIteration = it;
        } else if (it - bestIteration > 300) break;
        if (Math.sqrt(norm) <= 1e-7) break;
      }
    }
  }
  progress?.(iterations, iterations, 'optimising');
  if (!Number.isFinite(kl)) kl = gradient(y, n, P, 1, theta, tree, grad, true);
  return { coordinates: y, components: 2, perplexity, klDivergence: kl, iterations: done, learningRate, seed };
}

function initialise(m: RepresentationMatrix, init: 'pca' | 'random', seed: number): Float64Array {
  const n = m.rows;
  if (init === 'random' || m.cols < 2) {
    const rng = new Rng(seed);
    return Float64Array.from({ length: 2 * n }, () => 1e-4 * rng.normal());
  }
  const y = pca(m, { components: 2, seed }).coordinates;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[2 * i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[2 * i]! - mean) ** 2;
  const std = Math.sqrt(variance / n);
  const scale = std > 0 ? 1e-4 / std : 1;
  for (let t = 0; t < 2 * n; t++) y[t]! *= scale;
  return y;
}

const TINY = 1.1754943508222875e-38; // float32 smallest normal, as scikit-learn's FLOAT32_TINY

/**
 * ∂KL/∂y = 4 (F_attr − F_rep / Z): attraction over the sparse P exactly, repulsion and Z from the quadtree.
 * Writes the gradient into `grad`; returns KL(P ‖ Q) when `withError`, else NaN.
 */
function gradient(y: Float64Array, n: number, P: JointProbabilities, exaggeration: number, theta: number, tree: QuadTree, grad: Float64Array, withError: boolean): number {
  tree.build(y, n);
  const force = new Float64Array(2);
  const thetaSquared = theta * theta;
  let z = 0;
  for (let i = 0; i < n; i++) {
    z += tree.repulsion(y[2 * i]!, y[2 * i + 1]!, thetaSquared, force);
    grad[2 * i] = -force[0]!;
    grad[2 * i + 1] = -force[1]!;
  }
  const invZ = 1 / z;
  const { rowStart, columns, values } = P;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const yx = y[2 * i]!;
    const yy = y[2 * i + 1]!;
    let ax = 0;
    let ay = 0;
    for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
      const j = columns[t]!;
      const dx = yx - y[2 * j]!;
      const dy = yy - y[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      const pij = values[t]! * exaggeration;
      ax += pij * q * dx;
      ay += pij * q * dy;
      if (withError) kl += pij * Math.log(Math.max(pij, TINY) / Math.max(q * invZ, TINY));
    }
    grad[2 * i] = 4 * (ax + grad[2 * i]! * invZ);
    grad[2 * i + 1] = 4 * (ay + grad[2 * i + 1]! * invZ);
  }
  return withError ? kl : Number.NaN;
}
