import { statSync } from 'node:fs';
import { takeRows } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import type { GradientModel } from '../../explain/gradients/public.js';
import { isDifferentiable } from '../../model/capabilities.js';
import { loadModel } from '../../model/load-model.js';
import type { Model } from '../../model/model.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/public.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { renderBlocksPage } from '../../report/html.js';
import type { Tensor } from '../../model/tensor.js';
import { loadInputs } from '../load-inputs.js';
import { parseRowRange } from '../options.js';
import type { ExplainFlags } from './explain.js';
import { loadGradientData, runGradientExplain, type GradientFlags } from './explain-gradients.js';

/**
 * `glassbox explain --method <gradient method>`: ONNX models run through the gradient interpreter,
 * TF.js models through tfjs; data is an image folder, a .npy tensor, or tabular rows (encoded first).
 * JSON holds `values` in the input's shape per row.
 */
export async function runGradientExplainCommand(flags: ExplainFlags & GradientFlags, format: 'json' | 'table' | 'html'): Promise<string> {
  if (!flags.model) throw new GlassboxError('invalid_argument', 'Missing --model: gradient methods need a differentiable model (.onnx or TF.js model.json).', { argument: '--model' });
  if (!flags.data) throw new GlassboxError('invalid_argument', 'Missing --data: a folder of images, a .npy tensor, or tabular rows.', { argument: '--data' });
  const model = await loadDifferentiable(flags.model);
  try {
    const { x, labels, rowIds } = await gradientInputs(flags, model);
    const result = await runGradientExplain(model, x, { ...flags, target: flags.target ?? 'predicted' }, labels ? { labels } : {});
    const a = result.attribution;
    if (format === 'html') return renderBlocksPage(`glassbox explain — ${a.method}`, result.blocks);
    const rowShape = x.shape.slice(1);
    const rows = x.shape[0] ?? 0;
    const size = a.values.length / Math.max(1, rows);
    if (format === 'table') {
      return `${Array.from({ length: rows }, (_, r) => `row ${rowIds[r]}: ${a.method} of output ${a.target[r]} = ${a.outputs[r]!.toFixed(4)}; Σ attribution ${sum(a.values.subarray(r * size, (r + 1) * size)).toFixed(4)}${a.delta ? `, completeness delta ${a.delta[r]!.toExponential(2)}` : ''}`).join('\n')}\n`;
    }
    return `${JSON.stringify({
      method: a.method,
      options: a.options,
      ...(a.seed === undefined ? {} : { seed: a.seed }),
      shape: [rows, ...rowShape],
      rowIds,
      target: Array.from(a.target),
      outputs: Array.from(a.outputs),
      baseValues: Array.from(a.baseValues),
      values: Array.from({ length: rows }, (_, r) => nest(a.values.subarray(r * size, (r + 1) * size), rowShape)),
      ...(a.delta ? { delta: Array.from(a.delta) } : {}),
    })}\n`;
  } finally {
    await (model as Model).dispose?.();
  }
}

async function loadDifferentiable(location: string): Promise<GradientModel> {
  if (location.toLowerCase().endsWith('.onnx')) return loadOnnxGradModel(location);
  const model = await loadModel(location);
  if (!isDifferentiable(model)) {
    throw new GlassboxError('missing_capability', `${location}: gradient methods need a differentiable model (ONNX or TF.js); this one only predicts.`, { file: location, hint: 'Use a model-agnostic method: --method kernel-shap, lime or occlusion.' });
  }
  return model as GradientModel;
}

async function gradientInputs(flags: ExplainFlags & GradientFlags, model: GradientModel): Promise<{ x: Tensor; labels?: Int32Array; rowIds: number[] }> {
  const path = flags.data!;
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() || path.endsWith('.npy')) {
    const data = await loadGradientData(path, model);
    const n = data.x.shape[0] ?? 0;
    const [start, end] = parseRowRange(flags.rows, n);
    const size = data.x.data.length / Math.max(1, n);
    return {
      x: { data: data.x.data.subarray(start * size, end * size), shape: [end - start, ...data.x.shape.slice(1)] },
      ...(data.labels ? { labels: data.labels.subarray(start, end) } : {}),
      rowIds: Array.from({ length: end - start }, (_, i) => start + i),
    };
  }
  const { target: _class, method: _method, ...inputFlags } = flags;
  const inputs = await loadInputs(inputFlags, { seed: 0, requireLabels: false });
  if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'Tabular data needs an encoder: pass --preprocess.', { argument: '--preprocess' });
  const [start, end] = parseRowRange(flags.rows, inputs.table.nRows);
  const table = takeRows(inputs.table, Int32Array.from({ length: end - start }, (_, i) => start + i));
  const encoded = inputs.encoder.encode(rawMatrixFromTable(table, inputs.encoder.features));
  return { x: { data: encoded, shape: [table.nRows, inputs.encoder.outputWidth] }, rowIds: Array.from(table.rowIds) };
}

function nest(values: Float64Array, shape: readonly number[]): unknown {
  if (shape.length <= 1) return Array.from(values);
  const stride = values.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(values.subarray(i * stride, (i + 1) * stride), shape.slice(1)));
}

function sum(values: Float64Array): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
