import { UMAP } from 'umap-js';
import { GlassboxError, throwIfAborted } from '../../errors.js';
import { Rng } from '../../rng.js';
import { checkMatrix, type RepresentationMatrix } from '../cka/matrix.js';

export interface UmapOptions {
  /** Output dimensions (default 2). */
  readonly components?: number;
  /** Size of the local neighbourhood (default 15). */
  readonly neighbors?: number;
  /** Minimum distance between embedded points (default 0.1). */
  readonly minDist?: number;
  /** Optimisation epochs (default umap-js's: 500 up to 10,000 points, else 200). */
  readonly epochs?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, stage: string) => void;
}

export interface UmapResult {
  /** n × k coordinates (row-major). */
  readonly coordinates: Float64Array;
  readonly components: number;
  readonly neighbors: number;
  readonly minDist: number;
  readonly epochs: number;
  readonly seed: number;
}

/**
 * UMAP (McInnes, Healy & Melville 2018) through the umap-js package: approximate neighbours by NN-descent,
 * fuzzy simplicial set, then stochastic layout optimisation from a random start (umap-js has no spectral
 * initialisation). Every random draw of umap-js goes through a seeded generator, so the same seed gives the
 * same coordinates.
 */
export async function umap(m: RepresentationMatrix, options: UmapOptions = {}): Promise<UmapResult> {
  checkMatrix(m, 'X');
  const { rows: n, cols: d } = m;
  const components = options.components ?? 2;
  const neighbors = options.neighbors ?? 15;
  const minDist = options.minDist ?? 0.1;
  const seed = options.seed ?? 0;
  if (!(Number.isInteger(components) && components >= 1 && components < n)) throw new GlassboxError('invalid_argument', `components must be an integer in [1, ${n - 1}]; got ${components}.`, { argument: 'components' });
  if (!(Number.isInteger(neighbors) && neighbors >= 2 && neighbors < n)) throw new GlassboxError('invalid_argument', `neighbors must be an integer in [2, ${n - 1}] (below the number of points); got ${neighbors}.`, { argument: 'neighbors', hint: 'Typical values are 5–50.' });
  const rng = new Rng(seed);
  const model = new UMAP({ nComponents: components, nNeighbors: neighbors, minDist, ...(options.epochs ? { nEpochs: options.epochs } : {}), random: () => rng.next() });
  const rows: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(m.data.subarray(i * d, (i + 1) * d));
  throwIfAborted(options.signal);
  options.onProgress?.(0, 1, 'neighbour graph');
  const epochs = model.initializeFit(rows);
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (epoch % 10 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(epoch, epochs, 'optimising');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    model.step();
  }
  options.onProgress?.(epochs, epochs, 'optimising');
  const embedding = model.getEmbedding();
  const coordinates = new Float64Array(n * components);
  for (let i = 0; i < n; i++) for (let c = 0; c < components; c++) coordinates[i * components + c] = embedding[i]![c]!;
  return { coordinates, components, neighbors, minDist, epochs, seed };
}
