import { GlassboxError, throwIfAborted } from '../errors.js';
import type { Differentiable } from '../model/capabilities.js';
import type { Tensor } from '../model/tensor.js';
import type { RepresentationMatrix } from './cka/matrix.js';

export interface CollectActivationsOptions {
  /** Rows per model call (default 256). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The values of named intermediate tensors for every row of `x`, each flattened to one row per example
 * (C, H, W row-major, as torch's flatten), computed batch by batch so only one batch of activations is
 * alive inside the model at a time.
 */
export async function collectActivations(model: Pick<Differentiable, 'activations' | 'layerNames'>, x: Tensor, layers: readonly string[], options: CollectActivationsOptions = {}): Promise<Record<string, RepresentationMatrix>> {
  const unknown = layers.filter((name) => !model.layerNames.includes(name));
  if (unknown.length > 0) {
    throw new GlassboxError('invalid_argument', `The model has no tensor named ${unknown.map((n) => `"${n}"`).join(', ')}.`, { argument: '--layers', hint: `Tensors it has: ${model.layerNames.slice(0, 30).join(', ')}${model.layerNames.length > 30 ? ', …' : ''}.` });
  }
  const n = x.shape[0] ?? 0;
  const rowSize = x.data.length / Math.max(1, n);
  const batchSize = options.batchSize ?? 256;
  const out: Record<string, { data: Float32Array; cols: number }> = {};
  for (let start = 0; start < n; start += batchSize) {
    throwIfAborted(options.signal);
    const end = Math.min(n, start + batchSize);
    const batch = { data: x.data.subarray(start * rowSize, end * rowSize), shape: [end - start, ...x.shape.slice(1)] };
    const values = await model.activations(batch, layers);
    for (const name of layers) {
      const tensor = values[name]!;
      const cols = tensor.data.length / (end - start);
      out[name] ??= { data: new Float32Array(n * cols), cols };
      out[name].data.set(tensor.data, start * cols);
    }
    options.onProgress?.(end, n);
  }
  return Object.fromEntries(layers.map((name) => [name, { data: out[name]!.data, rows: n, cols: out[name]!.cols }]));
}
