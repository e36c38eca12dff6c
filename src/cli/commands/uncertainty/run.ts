import { GlassboxError } from '../../../errors.js';
import { loadModel } from '../../../model/load-model.js';
import type { Model } from '../../../model/model.js';
import { gatherRows } from '../../../model/tensor.js';
import { ensembleSamples } from '../../../uncertainty/ensemble/ensemble-samples.js';
import { denseHeadOf } from '../../../uncertainty/laplace/dense-head-of.js';
import { fitLastLayerLaplace, laplaceSamples, type LastLayerLaplace } from '../../../uncertainty/laplace/last-layer-laplace.js';
import { DEFAULT_PASSES, mcDropoutSamples } from '../../../uncertainty/mc-dropout/mc-dropout-samples.js';
import { uncertaintyVsErrors } from '../../../uncertainty/predictive/error-detection.js';
import { predictiveReportBlocks } from '../../../uncertainty/predictive/report.js';
import { predictiveSummaries, type ProbabilitySamples } from '../../../uncertainty/predictive/summaries.js';
import { loadGradientData } from '../../image-inputs.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, selectDemoRows, selectRows } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { modelInputs } from './model-inputs.js';

export const UNCERTAINTY_METHODS = ['ensemble', 'mc-dropout', 'laplace'] as const;

export interface UncertaintyFlags extends InputFlags {
  method?: string;
  passes?: string;
  seed?: string;
  rows?: string;
  fitData?: string;
  priorPrecision?: string;
  hessian?: string;
  format?: string;
  quiet?: boolean;
}

const list = (v: ArrayLike<number>): number[] => Array.from(v);

/**
 * `glassbox uncertainty`: predictive uncertainty per row from a deep ensemble (several --model files),
 * MC dropout (a model with dropout) or a last-layer Laplace approximation. Returns what it prints.
 */
export async function runUncertainty(flags: UncertaintyFlags, signal?: AbortSignal): Promise<string> {
  const models = flags.model ? parseList(flags.model) : [];
  const method = parseChoice('--method', flags.method, UNCERTAINTY_METHODS, models.length > 1 ? 'ensemble' : 'mc-dropout');
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const passes = parseIntegerFlag('--passes', flags.passes, DEFAULT_PASSES, 1);
  const structure = parseChoice('--hessian', flags.hessian, ['diag', 'kfac'] as const, 'diag');
  if (flags.hessian && method !== 'laplace') throw new GlassboxError('invalid_argument', '--hessian applies to --method laplace', { argument: '--hessian' });
  const priorPrecision = flags.priorPrecision === undefined ? undefined : Number(flags.priorPrecision);
  if (priorPrecision !== undefined && !(priorPrecision > 0)) throw new GlassboxError('invalid_argument', `--prior-precision must be a positive number (got ${flags.priorPrecision})`, { argument: '--prior-precision' });
  if (method === 'ensemble' && models.length < 2) throw new GlassboxError('invalid_argument', '--method ensemble needs at least two models: --model a.onnx,b.onnx,…', { argument: '--model' });
  if (method !== 'ensemble' && models.length > 1) throw new GlassboxError('invalid_argument', `--method ${method} takes one model; several --model files make an ensemble`, { argument: '--method', hint: 'Use --method ensemble.' });
  if (flags.fitData && method !== 'laplace') throw new GlassboxError('invalid_argument', '--fit-data applies to --method laplace', { argument: '--fit-data' });
  // ONNX files go through the plain onnxruntime adapter (the one that rewrites Dropout for seeded masks), also for image data
  const first = models[0]?.toLowerCase().endsWith('.onnx') ? await loadModel(models[0]) : undefined;
  const inputs = await loadInputs({ ...flags, ...(models[0] ? { model: models[0] } : {}) }, { seed, requireLabels: false, ...(first ? { model: first } : {}) });
  const others: Model[] = [];
  const progress = createProgress({ quiet: flags.quiet ?? false });
  try {
    for (const file of models.slice(1)) others.push(await loadModel(file));
    const all = modelInputs(inputs);
    const picked = flags.demo ? selectDemoRows(all.x.shape[0]!, flags.rows) : selectRows(inputs.table, flags.rows);
    const x = gatherRows(all.x, picked);
    const rowIds = picked.map((i) => all.rowIds[i]!);
    const labels = all.labels ? picked.map((i) => all.labels![i]!) : undefined;
    const onProgress = (done: number, total: number): void => progress.update(done, total, `${method}: ${method === 'ensemble' ? 'member' : 'pass'} ${done}/${total}`);
    const passOptions = { onProgress, ...(signal ? { signal } : {}) };
    let samples: ProbabilitySamples;
    let laplace: LastLayerLaplace | undefined;
    if (method === 'ensemble') samples = await ensembleSamples([inputs.model, ...others], x, { ...passOptions, names: models });
    else if (method === 'mc-dropout') samples = await mcDropoutSamples(inputs.model, x, { ...passOptions, passes, seed });
    else {
      const found = await denseHeadOf(inputs.model, models[0] ? { onnxFile: models[0] } : {});
      if ('reason' in found) throw new GlassboxError('unsupported_model', `--method laplace needs a model whose last layer is dense: ${found.reason}`, { argument: '--method' });
      const fitX = flags.fitData ? (await loadGradientData(flags.fitData, inputs.model)).x : all.trainX;
      if (!fitX) throw new GlassboxError('invalid_argument', '--method laplace fits its Hessian on training inputs: pass --fit-data train.npy, or data whose schema has a train/test split', { argument: '--fit-data' });
      laplace = await fitLastLayerLaplace(found.head, fitX, { structure: structure === 'kfac' ? 'kfac' : 'diagonal', ...(priorPrecision !== undefined ? { priorPrecision } : {}), ...(signal ? { signal } : {}) });
      samples = await laplaceSamples(laplace, found.head, x, { ...passOptions, samples: passes, seed });
    }
    progress.stop();
    const summaries = predictiveSummaries(samples, { binary: inputs.model.task === 'binary' });
    const errors = labels && labels.some((y) => y >= 0) ? uncertaintyVsErrors(summaries, labels) : undefined;
    if (format !== 'json') {
      const blocks = predictiveReportBlocks(summaries, { method, rowIds, classes: inputs.model.classes, ...(labels ? { labels } : {}), ...(errors ? { errors } : {}) });
      return renderBlocks(format, `glassbox uncertainty — ${method}`, blocks);
    }
    const K = summaries.classes;
    const mean = Array.from({ length: summaries.rows }, (_, i) => list(summaries.mean.subarray(i * K, (i + 1) * K)));
    const avg = (v: Float64Array): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
    const result = {
      method,
      seed,
      samples: summaries.samples,
      ...(method === 'ensemble' ? { models } : { model: models[0] ?? inputs.describe?.model }),
      classes: inputs.model.classes,
      units: 'nats',
      rowIds: list(rowIds),
      mean,
      entropy: list(summaries.entropy),
      expectedEntropy: list(summaries.expectedEntropy),
      mutualInformation: list(summaries.mutualInformation),
      variance: list(summaries.variance),
      varianceOf: summaries.varianceOf,
      summary: { meanEntropy: avg(summaries.entropy), meanExpectedEntropy: avg(summaries.expectedEntropy), meanMutualInformation: avg(summaries.mutualInformation), meanVariance: avg(summaries.variance), ...(errors ? { errors } : {}) },
      ...(laplace ? { laplace: { hessian: laplace.hessian, layer: laplace.layer, featureLayer: laplace.featureLayer, nFit: laplace.nFit, priorPrecision: laplace.priorPrecision, priorPrecisionMethod: laplace.priorPrecisionMethod, predictive: 'monte-carlo over last-layer logits' } } : {}),
    };
    return `${JSON.stringify(result)}\n`;
  } finally {
    progress.stop();
    await Promise.all([inputs.model.dispose?.(), ...others.map((m) => m.dispose?.())]);
  }
}

