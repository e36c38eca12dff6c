import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { RepresentationMatrix } from '../cka/matrix.js';
import { pca } from './pca.js';
import { trustworthiness } from './trustworthiness.js';
import { tsne } from './tsne.js';
import { umap } from './umap.js';

export type ProjectionMethod = 'pca' | 'tsne' | 'umap';

export interface ProjectOptions {
  readonly method: ProjectionMethod;
  readonly components?: number;
  readonly perplexity?: number;
  readonly neighbors?: number;
  readonly seed?: number;
  /** Trustworthiness neighbourhood (default 5, as scikit-learn) and the most rows it is measured on (default 2000; it is O(n²)). */
  readonly trustworthinessK?: number;
  readonly trustworthinessRows?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, stage: string) => void;
}

export interface Projection {
  readonly method: ProjectionMethod;
  readonly components: number;
  /** n × components (row-major). */
  readonly coordinates: Float64Array;
  readonly trustworthiness: number;
  readonly trustworthinessK: number;
  /** Rows the trustworthiness was measured on (a seeded sample when n is larger). */
  readonly trustworthinessRows: number;
  /** The method's own settings and diagnostics (perplexity, KL divergence, explained variance, …). */
  readonly details: Readonly<Record<string, number | readonly number[]>>;
  readonly seed: number;
}

/** Projects the rows with PCA, Barnes–Hut t-SNE or UMAP and measures the embedding's trustworthiness. */
export async function project(m: RepresentationMatrix, options: ProjectOptions): Promise<Projection> {
  const seed = options.seed ?? 0;
  const components = options.components ?? 2;
  let coordinates: Float64Array;
  let details: Record<string, number | readonly number[]>;
  if (options.method === 'pca') {
    const r = pca(m, { components, seed });
    coordinates = r.coordinates;
    details = { explainedVarianceRatio: Array.from(r.explainedVarianceRatio) };
  } else if (options.method === 'tsne') {
    if (components !== 2) throw new GlassboxError('invalid_argument', `Barnes–Hut t-SNE embeds in 2 dimensions; got components ${components}.`, { argument: 'components', hint: 'Drop --components, or use pca or umap for other dimensions.' });
    const r = await tsne(m, { ...(options.perplexity === undefined ? {} : { perplexity: options.perplexity }), seed, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    coordinates = r.coordinates;
    details = { perplexity: r.perplexity, klDivergence: r.klDivergence, iterations: r.iterations, learningRate: r.learningRate };
  } else {
    const r = await umap(m, { components, ...(options.neighbors === undefined ? {} : { neighbors: options.neighbors }), seed, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    coordinates = r.coordinates;
    details = { neighbors: r.neighbors, minDist: r.minDist, epochs: r.epochs };
  }
  const k = options.trustworthinessK ?? 5;
  const { value, rows } = sampledTrustworthiness(m, { data: coordinates, rows: m.rows, cols: components }, k, options.trustworthinessRows ?? 2000, seed);
  return { method: options.method, components, coordinates, trustworthiness: value, trustworthinessK: k, trustworthinessRows: rows, details, seed };
}

/** Trustworthiness on all rows, or on a seeded sample of `maxRows` of them (neighbourhoods within the sample). */
export function sampledTrustworthiness(original: RepresentationMatrix, embedded: RepresentationMatrix, k: number, maxRows: number, seed: number): { value: number; rows: number } {
  const n = original.rows;
  if (n <= maxRows) return { value: trustworthiness(original, embedded, Math.min(k, Math.ceil(n / 2) - 1)), rows: n };
  const picked = new Rng(seed).permutation(n).subarray(0, maxRows).sort();
  const take = (m: RepresentationMatrix): RepresentationMatrix => {
    const out = new Float64Array(maxRows * m.cols);
    for (let a = 0; a < maxRows; a++) for (let c = 0; c < m.cols; c++) out[a * m.cols + c] = m.data[picked[a]! * m.cols + c]!;
    return { data: out, rows: maxRows, cols: m.cols };
  };
  return { value: trustworthiness(take(original), take(embedded), k), rows: maxRows };
}
