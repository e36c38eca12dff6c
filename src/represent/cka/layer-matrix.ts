import { throwIfAborted } from '../../errors.js';
import { cka, ckaOfKernels, layerKernel, type CkaOptions, type LayerKernel } from './cka.js';
import type { RepresentationMatrix } from './matrix.js';

/** CKA between every layer of one list (rows) and every layer of another (columns). */
export interface CkaMatrix {
  readonly rows: readonly string[];
  readonly cols: readonly string[];
  /** matrix[i][j] = CKA(rows[i], cols[j]). */
  readonly matrix: readonly (readonly number[])[];
  readonly kernel: string;
  readonly debiased: boolean;
  readonly n: number;
}

/**
 * The layer × layer CKA heatmap of Kornblith et al. (2019, figures 2–5): within one model (pass the same
 * activations twice) or between two, e.g. networks trained from different seeds.
 */
export async function ckaMatrix(a: Readonly<Record<string, RepresentationMatrix>>, b: Readonly<Record<string, RepresentationMatrix>>, options: CkaOptions & { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<CkaMatrix> {
  const rows = Object.keys(a);
  const cols = Object.keys(b);
  const n0 = a[rows[0]!]?.rows ?? 0;
  if (n0 <= KERNEL_CACHE_ROWS && options.engine !== 'onnxruntime') return cachedMatrix(a, b, rows, cols, options);
  const matrix: number[][] = [];
  let done = 0;
  let n = 0;
  for (const r of rows) {
    const line: number[] = [];
    for (const c of cols) {
      throwIfAborted(options.signal);
      const result = await cka(a[r]!, b[c]!, options);
      n = result.n;
      line.push(result.cka);
      options.onProgress?.(++done, rows.length * cols.length);
    }
    matrix.push(line);
  }
  return { rows, cols, matrix, kernel: options.kernel ?? 'linear', debiased: options.debiased ?? false, n };
}

/** Up to this many examples, each layer's n × n kernel is computed once and shared by its pairs. */
const KERNEL_CACHE_ROWS = 2000;

async function cachedMatrix(a: Readonly<Record<string, RepresentationMatrix>>, b: Readonly<Record<string, RepresentationMatrix>>, rows: string[], cols: string[], options: CkaOptions & { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }): Promise<CkaMatrix> {
  const kernels = new Map<RepresentationMatrix, LayerKernel>();
  const total = new Set([...rows.map((r) => a[r]!), ...cols.map((c) => b[c]!)]).size;
  const kernelOf = (m: RepresentationMatrix): LayerKernel => {
    let k = kernels.get(m);
    if (!k) {
      throwIfAborted(options.signal);
      kernels.set(m, (k = layerKernel(m, options)));
      options.onProgress?.(kernels.size, total);
    }
    return k;
  };
  const n = a[rows[0]!]!.rows;
  for (const c of cols) {
    if (b[c]!.rows !== n) await cka(a[rows[0]!]!, b[c]!, options); // throws the row-mismatch error
  }
  const matrix = rows.map((r) => cols.map((c) => ckaOfKernels(kernelOf(a[r]!), kernelOf(b[c]!))));
  return { rows, cols, matrix, kernel: options.kernel ?? 'linear', debiased: options.debiased ?? false, n };
}

/** Vega-Lite heatmap of a CKA matrix (cells annotated with their value). */
export function ckaHeatmapSpec(m: CkaMatrix, titles: { rows: string; cols: string }): Record<string, unknown> {
  const values = m.rows.flatMap((r, i) => m.cols.map((c, j) => ({ row: r, col: c, cka: Math.round(m.matrix[i]![j]! * 1000) / 1000 })));
  const size = Math.max(160, 40 * Math.max(m.rows.length, m.cols.length));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: size,
    height: size,
    data: { values },
    encoding: {
      x: { field: 'col', type: 'nominal', sort: [...m.cols], title: titles.cols, axis: { labelAngle: -40, labelLimit: 160 } },
      y: { field: 'row', type: 'nominal', sort: [...m.rows], title: titles.rows, axis: { labelLimit: 160 } },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'cka', type: 'quantitative', scale: { domain: [0, 1], scheme: 'viridis' }, title: 'CKA' } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'cka', type: 'quantitative', format: '.2f' }, color: { condition: { test: 'datum.cka > 0.6', value: 'black' }, value: 'white' } } },
    ],
  };
}
