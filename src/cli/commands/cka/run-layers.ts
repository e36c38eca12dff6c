import { defaultLayers } from '../../model-layers.js';
import { GlassboxError } from '../../../errors.js';
import type { Differentiable } from '../../../model/capabilities.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { collectActivations } from '../../../represent/activations.js';
import type { CkaKernel } from '../../../represent/cka/cka.js';
import { ckaHeatmapSpec, ckaMatrix, type CkaMatrix } from '../../../represent/cka/layer-matrix.js';
import type { RepresentationMatrix } from '../../../represent/cka/matrix.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { loadGradientData } from '../../image-inputs.js';
import { parseList, parseRowRange } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';
import type { CkaFlags } from './run.js';

/** `glassbox cka --model a [--model-b b] --data x`: the layer × layer CKA matrix, loaded only for this form. */
export async function runLayers(flags: CkaFlags, format: 'json' | 'table' | 'html', kernel: CkaKernel): Promise<void> {
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
