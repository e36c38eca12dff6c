import { readFile } from 'node:fs/promises';
import { defaultLayers } from '../../model-layers.js';
import { GlassboxError } from '../../../errors.js';
import { readNpy } from '../../../data/npy.js';
import type { Differentiable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { collectActivations } from '../../../represent/activations.js';
import { cka, type CkaKernel } from '../../../represent/cka/cka.js';
import { ckaHeatmapSpec, ckaMatrix, type CkaMatrix } from '../../../represent/cka/layer-matrix.js';
import type { RepresentationMatrix } from '../../../represent/cka/matrix.js';
import { minibatchCka } from '../../../represent/cka/minibatch.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { loadGradientData } from '../../image-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, parseRowRange, positiveFlag } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';

export interface CkaFlags {
  x?: string;
  y?: string;
  model?: string;
  modelB?: string;
  data?: string;
  layers?: string;
  layersB?: string;
  rows?: string;
  kernel?: string;
  debiased?: boolean;
  minibatch?: string;
  seed?: string;
  quiet?: boolean;
  format?: string;
}

/** `glassbox cka`: two matrices → one value; one or two models → a layer × layer matrix. */
export async function runCka(flags: CkaFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const kernel = parseChoice('--kernel', flags.kernel, ['linear', 'rbf'] as const, 'linear');
  if (flags.model && (flags.x || flags.y)) throw new GlassboxError('invalid_argument', 'Use either --x/--y (two matrices) or --model/--data (layers), not both.', { argument: '--x' });
  if (flags.model) return runLayers(flags, format, kernel);
  if (!flags.x || !flags.y) throw new GlassboxError('invalid_argument', 'Pass --x a.npy and --y b.npy (two representations of the same examples), or --model with --data.', { argument: flags.x ? '--y' : '--x', hint: 'e.g. glassbox cka --x acts_a.npy --y acts_b.npy' });
  const x = await matrixFile(flags.x, '--x');
  const y = await matrixFile(flags.y, '--y');
  const minibatch = flags.minibatch === undefined ? undefined : positiveFlag('--minibatch', flags.minibatch, 256, 4);
  if (minibatch !== undefined && (kernel !== 'linear')) throw new GlassboxError('invalid_argument', '--minibatch computes linear CKA.', { argument: '--minibatch', hint: 'Drop --kernel rbf.' });
  const result = minibatch !== undefined
    ? { ...minibatchCka(x, y, { batchSize: minibatch, seed: parseIntegerFlag('--seed', flags.seed, 0) }), kernel, debiased: true, n: x.rows }
    : await cka(x, y, { kernel, debiased: flags.debiased ?? false });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: `CKA (${kernel}${result.debiased ? ', unbiased HSIC' : ''}) between ${flags.x} (${x.rows} × ${x.cols}) and ${flags.y} (${y.rows} × ${y.cols}): **${result.cka.toFixed(4)}**.` }];
  process.stdout.write(await renderBlocks(format, 'glassbox cka', blocks));
}

async function runLayers(flags: CkaFlags, format: 'json' | 'table' | 'html', kernel: CkaKernel): Promise<void> {
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: the inputs whose layer activations are compared.', { argument: '--data', hint: 'e.g. glassbox cka --model a.onnx --model-b b.onnx --data x.npy' });
  const progress = createProgress({ quiet: flags.quiet ?? false });
  const first = await loadDifferentiable(flags.model!, {});
  const second = flags.modelB ? await loadDifferentiable(flags.modelB, {}) : undefined;
  try {
    const a = first.model as unknown as Model & Differentiable;
    const b = (second?.model ?? first.model) as unknown as Model & Differentiable;
    const data = await loadGradientData(flags.data, a);
    const x = takeRows(data.x, flags.rows);
    const layersA = flags.layers ? parseList(flags.layers) : await defaultLayers(flags.model!, a);
    const layersB = flags.layersB ? parseList(flags.layersB) : flags.modelB ? (flags.layers ? layersA : await defaultLayers(flags.modelB, b)) : layersA;
    const actsA = await collectActivations(a, x, layersA, { onProgress: (d, t) => progress.update(d, t, 'activations of --model') });
    const actsB = second ? await collectActivations(b, x, layersB, { onProgress: (d, t) => progress.update(d, t, 'activations of --model-b') }) : pick(actsA, layersB);
    const matrix = await ckaMatrix(actsA, actsB, { kernel, debiased: flags.debiased ?? false, onProgress: (d, t) => progress.update(d, t, 'CKA') });
    progress.stop();
    await output(matrix, flags, format);
  } finally {
    await first.dispose();
    await second?.dispose();
  }
}

async function output(matrix: CkaMatrix, flags: CkaFlags, format: 'json' | 'table' | 'html'): Promise<void> {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...matrix, models: { rows: flags.model, cols: flags.modelB ?? flags.model } }, null, 2)}\n`);
    return;
  }
  const titles = { rows: `${flags.model} layers`, cols: `${flags.modelB ?? flags.model} layers` };
  const blocks: ReportBlock[] = [
    { kind: 'text', markdown: `Linear${matrix.kernel === 'rbf' ? ' → RBF' : ''} CKA${matrix.debiased ? ' (unbiased HSIC)' : ''} between the layers of ${titles.rows.replace(' layers', '')} (rows) and ${titles.cols.replace(' layers', '')} (columns) on ${matrix.n} inputs. 1 means the two layers represent the inputs alike up to rotation and scale.` },
    { kind: 'table', caption: 'CKA', columns: ['layer', ...matrix.cols], rows: matrix.rows.map((r, i) => [r, ...matrix.matrix[i]!.map((v) => Math.round(v * 10000) / 10000)]) },
  ];
  if (format === 'html') blocks.push({ kind: 'chart', caption: 'Layer × layer CKA', spec: ckaHeatmapSpec(matrix, titles) });
  process.stdout.write(await renderBlocks(format, 'glassbox cka', blocks));
}

function pick(acts: Record<string, RepresentationMatrix>, names: readonly string[]): Record<string, RepresentationMatrix> {
  const missing = names.filter((n) => !acts[n]);
  if (missing.length > 0) throw new GlassboxError('invalid_argument', `--layers-b names ${missing.join(', ')}, which --layers does not (with one model, --layers-b picks among --layers).`, { argument: '--layers-b' });
  return Object.fromEntries(names.map((n) => [n, acts[n]!]));
}

function takeRows(x: Tensor, rows: string | undefined): Tensor {
  const n = x.shape[0] ?? 0;
  const [start, end] = parseRowRange(rows, n);
  const size = x.data.length / Math.max(1, n);
  return { data: x.data.subarray(start * size, end * size), shape: [end - start, ...x.shape.slice(1)] };
}

/** An .npy file as an n × d matrix (rank > 2 flattened per row). */
async function matrixFile(path: string, flag: string): Promise<RepresentationMatrix> {
  if (!path.endsWith('.npy')) throw new GlassboxError('invalid_argument', `${flag} ${path}: representations are read from .npy files.`, { argument: flag, file: path, hint: 'Save the matrix with numpy.save, or write it with glassbox activations.' });
  const array = readNpy(await readFile(path), path);
  if (array.shape.length < 2) throw new GlassboxError('shape_mismatch', `${path} has shape [${array.shape.join(', ')}]; a representation is n × d (one row per example).`, { file: path, argument: flag });
  const rows = array.shape[0]!;
  const data = array.data instanceof Float64Array ? array.data : Float32Array.from(array.data as ArrayLike<number>);
  return { data, rows, cols: data.length / rows };
}
