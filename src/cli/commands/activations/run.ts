import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openNpyRows, NpyRowWriter } from '../../../data/npy-stream.js';
import { GlassboxError, throwIfAborted } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import type { Differentiable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { loadGradientData } from '../../image-inputs.js';
import { defaultLayers } from '../../model-layers.js';
import { parseChoice, parseList, parseRowRange, positiveFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';

export interface ActivationsFlags {
  model: string;
  data: string;
  out: string;
  layers?: string;
  rows?: string;
  batchSize?: string;
  format?: string;
  quiet?: boolean;
}

/** One layer's output file: .npy rows, or Parquet rows with their row ids. */
interface RowSink {
  append(rowIds: Int32Array, values: Float32Array): void;
  finish(): void | Promise<void>;
  abort(): void;
}

async function openSink(format: 'npy' | 'parquet', path: string, shape: readonly number[]): Promise<RowSink> {
  if (format === 'parquet') {
    const { ParquetRowWriter } = await import('../../../data/duckdb/parquet-row-writer.js');
    return ParquetRowWriter.open(path, shape);
  }
  const writer = new NpyRowWriter(path, shape);
  return { append: (_rowIds, values) => writer.append(values), finish: () => writer.finish(), abort: () => writer.abort() };
}

/** Rows of the input, one batch at a time: streamed from a .npy file, or sliced from a loaded image folder. */
interface InputRows {
  readonly rows: number;
  readonly rowShape: readonly number[];
  read(start: number, count: number): Tensor;
  close(): void;
}

/**
 * `glassbox activations`: one float32 .npy per layer ([n, …tensor shape]) and activations.json (layers,
 * files, shapes, rowIds). Inputs from a .npy file are read and the outputs written one batch at a time, so
 * neither the inputs nor the activations of all rows are ever in memory together.
 */
export async function runActivations(flags: ActivationsFlags, signal?: AbortSignal): Promise<void> {
  const batchSize = positiveFlag('--batch-size', flags.batchSize, 256);
  const format = parseChoice('--format', flags.format, ['npy', 'parquet'] as const, 'npy');
  if (statSync(flags.out, { throwIfNoEntry: false })?.isFile()) throw new GlassboxError('invalid_argument', `--out ${flags.out} is a file; it must be a folder.`, { argument: '--out' });
  const loaded = await loadDifferentiable(flags.model, {});
  const writers: RowSink[] = [];
  let input: InputRows | undefined;
  try {
    const model = loaded.model as unknown as Model & Differentiable;
    input = await inputRows(flags.data, model);
    const [start, end] = parseRowRange(flags.rows, input.rows);
    const layers = flags.layers ? parseList(flags.layers) : await defaultLayers(flags.model, model);
    const unknown = layers.filter((name) => !model.layerNames.includes(name));
    if (unknown.length > 0) throw new GlassboxError('invalid_argument', `--layers: the model has no tensor named ${unknown.map((n) => `"${n}"`).join(', ')}.`, { argument: '--layers', hint: `Tensors it has: ${model.layerNames.slice(0, 30).join(', ')}${model.layerNames.length > 30 ? ', …' : ''}.` });
    const progress = createProgress({ quiet: flags.quiet ?? false });
    const files = layers.map((name, i) => `${String(i).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '')}.${format}`);
    const shapes: number[][] = [];
    for (let at = start; at < end; at += batchSize) {
      throwIfAborted(signal);
      const count = Math.min(batchSize, end - at);
      const values = await model.activations(input.read(at, count), layers);
      const rowIds = Int32Array.from({ length: count }, (_, r) => at + r);
      for (const [i, name] of layers.entries()) {
        const tensor = values[name]!;
        if (!writers[i]) {
          shapes[i] = [end - start, ...tensor.shape.slice(1)];
          writers[i] = await openSink(format, join(flags.out, files[i]!), shapes[i]!);
        }
        writers[i]!.append(rowIds, tensor.data);
      }
      progress.update(at + count - start, end - start, 'activations');
    }
    progress.stop();
    for (const writer of writers) await writer.finish();
    const manifest = { version: 1, format, model: flags.model, data: flags.data, rowIds: { start, end }, layers: layers.map((name, i) => ({ name, file: files[i], shape: shapes[i] })) };
    await writeFileAtomic(join(flags.out, 'activations.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  } catch (error) {
    for (const writer of writers) writer.abort();
    throw error;
  } finally {
    input?.close();
    await loaded.dispose();
  }
}

async function inputRows(path: string, model: Model): Promise<InputRows> {
  if (path.endsWith('.npy')) {
    const reader = openNpyRows(path);
    return { rows: reader.rows, rowShape: reader.shape.slice(1), read: (start, count) => ({ data: reader.readRows(start, count), shape: [count, ...reader.shape.slice(1)] }), close: () => reader.close() };
  }
  const { x } = await loadGradientData(path, model);
  const n = x.shape[0] ?? 0;
  const size = x.data.length / Math.max(1, n);
  return { rows: n, rowShape: x.shape.slice(1), read: (start, count) => ({ data: x.data.subarray(start * size, (start + count) * size), shape: [count, ...x.shape.slice(1)] }), close: () => undefined };
}
