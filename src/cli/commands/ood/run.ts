import { GlassboxError, isGlassboxError } from '../../../errors.js';
import { readNpy } from '../../../data/npy.js';
import { labelsOf } from '../../../data/schema-helpers.js';
import type { DenseHead } from '../../../model/dense-head.js';
import { loadModel } from '../../../model/load-model.js';
import type { Model } from '../../../model/model.js';
import type { Tensor } from '../../../model/tensor.js';
import { denseHeadOf } from '../../../uncertainty/laplace/dense-head-of.js';
import { evaluateOod } from '../../../uncertainty/ood/evaluate.js';
import { OOD_METHODS, oodScorer, type OodMethod } from '../../../uncertainty/ood/model-scorer.js';
import { oodReportBlocks, type OodResultRow } from '../../../uncertainty/ood/report.js';
import { corruptImages } from '../../../robust/corruptions/corrupt.js';
import type { CorruptionName } from '../../../robust/corruptions/types.js';
import { SYNTHETIC_OOD_SETS, syntheticOodSet } from '../../../uncertainty/ood/synthetic-sets.js';
import { yieldToEventLoop } from '../../../uncertainty/predictive/run-options.js';
import { loadGradientData } from '../../image-inputs.js';
import { loadInputs } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, selectDemoRows } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';
import { gatherRows } from '../../../model/tensor.js';

export interface OodFlags {
  model?: string;
  data?: string;
  oodData?: string;
  demo?: string;
  method?: string;
  layer?: string;
  fitData?: string;
  fitLabels?: string;
  k?: string;
  rows?: string;
  seed?: string;
  format?: string;
  quiet?: boolean;
}

interface OodInputs {
  readonly model: Model;
  readonly inX: Tensor;
  readonly oodSets: readonly { name: string; x: Tensor }[];
  readonly fit?: Tensor;
  readonly fitLabels?: Int32Array;
  readonly modelFile?: string;
}

/**
 * `glassbox ood`: how well OOD scores separate in-distribution rows from OOD rows (AUROC, AUPR,
 * FPR at 95% TPR). `--demo digits` compares the MNIST test digits with four synthetic OOD sets.
 */
export async function runOod(flags: OodFlags, signal?: AbortSignal): Promise<string> {
  const methods: readonly OodMethod[] = flags.method === undefined || flags.method === 'all' ? OOD_METHODS : parseList(flags.method).map((m) => parseChoice('--method', m, OOD_METHODS, 'msp'));
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  const k = flags.k === undefined ? undefined : parseIntegerFlag('--k', flags.k, 10, 1);
  const inputs = flags.demo ? await demoInputs(flags, seed) : await fileInputs(flags);
  const progress = createProgress({ quiet: flags.quiet ?? false });
  try {
    const found = await denseHeadOf(inputs.model, inputs.modelFile ? { onnxFile: inputs.modelFile } : {});
    const head: DenseHead | undefined = 'head' in found ? found.head : undefined;
    const results: OodResultRow[] = [];
    const skipped: { method: string; reason: string }[] = [];
    let done = 0;
    for (const method of methods) {
      progress.update(done++, methods.length, `ood: ${method}`);
      await yieldToEventLoop();
      if (signal?.aborted) throw new GlassboxError('cancelled', 'glassbox ood was interrupted', {});
      let scorer;
      try {
        scorer = await oodScorer(inputs.model, { method, ...(head ? { head } : {}), ...(flags.layer ? { layer: flags.layer } : {}), ...(inputs.fit ? { fit: inputs.fit } : {}), ...(inputs.fitLabels ? { fitLabels: inputs.fitLabels } : {}), ...(k !== undefined ? { k } : {}), ...(signal ? { signal } : {}) });
      } catch (error) {
        if (methods.length === 1 || !isGlassboxError(error)) throw error;
        skipped.push({ method, reason: error.message });
        continue;
      }
      const inScores = await scorer.score(inputs.inX);
      for (const set of inputs.oodSets) results.push({ method, oodSet: set.name, source: scorer.source, ...evaluateOod(inScores, await scorer.score(set.x)) });
    }
    progress.stop();
    if (format !== 'json') return renderBlocks(format, 'glassbox ood', oodReportBlocks(results, skipped));
    return `${JSON.stringify({ seed, methods, oodSets: inputs.oodSets.map((s) => s.name), ...(flags.demo ? { oodSetsMadeFrom: 'the audited test digits: four synthetic sets and three ImageNet-C corruptions at severity 5 (seeded)' } : {}), results, skipped })}\n`;
  } finally {
    progress.stop();
    await inputs.model.dispose?.();
  }
}

/** One corruption per family (noise, blur, weather) for the demo's corrupted-digit OOD sets. */
const CORRUPTED_OOD_SETS: readonly CorruptionName[] = ['gaussian_noise', 'motion_blur', 'fog'];

async function demoInputs(flags: OodFlags, seed: number): Promise<OodInputs> {
  if (flags.data || flags.oodData || flags.model) throw new GlassboxError('invalid_argument', 'Use either --demo or --model/--data/--ood-data, not both.', { argument: '--demo' });
  if (flags.demo !== 'digits') throw new GlassboxError('invalid_argument', `glassbox ood --demo takes digits (images); got "${flags.demo ?? ''}"`, { argument: '--demo', hint: 'For tabular data, the scan reports OOD rows relative to the training rows.' });
  const inputs = await loadInputs({ demo: 'digits' }, { seed, requireLabels: false });
  const picked = selectDemoRows(inputs.x!.shape[0]!, flags.rows);
  const inX = gatherRows(inputs.x!, picked);
  const synthetic = SYNTHETIC_OOD_SETS.map((name, i) => ({ name, x: syntheticOodSet(inX, name, seed + i) }));
  // covariate shift rather than new content: the same digits under ImageNet-C corruptions at severity 5
  const corrupted = await Promise.all(CORRUPTED_OOD_SETS.map(async (name, i) => ({ name: `corrupted: ${name.replace(/_/g, ' ')} (severity 5)`, x: await corruptImages(inX, name, 5, { seed: seed + SYNTHETIC_OOD_SETS.length + i }) })));
  const oodSets = [...synthetic, ...corrupted];
  return { model: inputs.model, inX, oodSets, ...(inputs.trainX ? { fit: inputs.trainX } : {}), ...(inputs.train ? { fitLabels: labelsOf(inputs.train, inputs.schema) } : {}) };
}

async function fileInputs(flags: OodFlags): Promise<OodInputs> {
  for (const [flag, value] of [['--model', flags.model], ['--data', flags.data], ['--ood-data', flags.oodData]] as const) {
    if (!value) throw new GlassboxError('invalid_argument', `Missing ${flag}: glassbox ood needs --model, --data (in-distribution) and --ood-data, or --demo digits`, { argument: flag });
  }
  // a named layer needs activations: ONNX through the gradient adapter
  const model = flags.layer && flags.model!.toLowerCase().endsWith('.onnx') ? await (await import('../../../model/onnx-grad/load.js')).loadOnnxGradModel(flags.model!) : await loadModel(flags.model!);
  try {
    const inX = (await loadGradientData(flags.data!, model)).x;
    const outX = (await loadGradientData(flags.oodData!, model)).x;
    const fit = flags.fitData ? (await loadGradientData(flags.fitData, model)).x : undefined;
    let fitLabels: Int32Array | undefined;
    if (flags.fitLabels) {
      if (!fit) throw new GlassboxError('invalid_argument', '--fit-labels needs --fit-data', { argument: '--fit-labels' });
      const arr = readNpy(flags.fitLabels);
      fitLabels = Int32Array.from(arr.data instanceof BigInt64Array ? Array.from(arr.data, Number) : Array.from(arr.data));
      if (fitLabels.length !== fit.shape[0]) throw new GlassboxError('shape_mismatch', `--fit-labels ${flags.fitLabels} has ${fitLabels.length} entries for ${fit.shape[0]} rows of --fit-data`, { argument: '--fit-labels' });
    }
    return { model, inX, oodSets: [{ name: flags.oodData!, x: outX }], ...(fit ? { fit } : {}), ...(fitLabels ? { fitLabels } : {}), modelFile: flags.model! };
  } catch (error) {
    await model.dispose?.();
    throw error;
  }
}
