import type { Command } from 'commander';
import { readNpy } from '../../data/npy.js';
import { GlassboxError } from '../../errors.js';
import type { Attribution, AttributionJson } from '../../explain/attribution.js';
import { attributionToJson } from '../../explain/attribution.js';
import type { Explainer, TargetSelector } from '../../explain/explainer.js';
import {
  expectedGradients,
  gradCam,
  guidedBackprop,
  heatmapOverlayPng,
  inputXGradient,
  integratedGradients,
  saliency,
  smoothGrad,
  type BaselineSpec,
  type GradientModel,
  type IntegrationRule,
} from '../../explain/gradients/public.js';
import { loadOnnxGradModel } from '../../model/onnx-grad/public.js';
import type { Tensor } from '../../model/tensor.js';
import type { ReportBlock } from '../../results/blocks.js';
import { loadGradientData } from '../image-inputs.js';
import { parseChoice, parseIntegerFlag } from '../options.js';

export { loadGradientData };

export const GRADIENT_METHODS = ['saliency', 'input-x-gradient', 'smoothgrad', 'integrated-gradients', 'expected-gradients', 'guided-backprop', 'grad-cam'] as const;
export type GradientMethod = (typeof GRADIENT_METHODS)[number];
const IG_RULES: readonly IntegrationRule[] = ['gausslegendre', 'riemann_trapezoid', 'riemann_left', 'riemann_right', 'riemann_middle'];

/** Flags of `glassbox explain` that gradient methods read (commander camel-cases them). */
export interface GradientFlags {
  method?: string;
  layer?: string;
  steps?: string;
  igRule?: string;
  baseline?: string;
  target?: string;
  labels?: string;
  samples?: string;
  sigma?: string;
  seed?: string;
  gradOutput?: string;
  heatmaps?: string;
  engine?: string;
}

const ENGINES = ['auto', 'onnxruntime', 'tfjs'] as const;

/** --engine: who computes ONNX gradients (onnxruntime with a compiled backward graph, or the tfjs interpreter). */
export function engineFlag(flags: Pick<GradientFlags, 'engine'>): (typeof ENGINES)[number] {
  return parseChoice('--engine', flags.engine, ENGINES, 'auto');
}

/** Adds the gradient methods' flags to the lead's `explain` command. */
export function addGradientOptions(command: Command): Command {
  return command
    .option('--layer <name>', 'grad-cam: the convolutional tensor to explain (an ONNX node output name)')
    .option('--steps <n>', 'integrated-gradients: path steps', '50')
    .option('--ig-rule <rule>', `integrated-gradients: ${IG_RULES.join(' | ')}`, 'gausslegendre')
    .option('--baseline <kind>', 'integrated-gradients: zeros | blur | uniform | mean | <number>; occlusion: zeros | <number>; text occlusion: a replacement word', 'zeros')
    .option('--labels <file.npy>', 'true labels for --target label when --data is a .npy tensor')
    .option('--sigma <s>', 'smoothgrad: noise σ as a fraction of the input range', '0.15')
    .option('--grad-output <space>', 'gradient methods: logits | probabilities', 'logits')
    .option('--heatmaps <n>', 'image data: PNG overlays for the first n rows in HTML output', '8')
    .option('--engine <name>', `ONNX gradients: ${ENGINES.join(' | ')} (auto: onnxruntime when every op has a backward rule)`, 'auto');
}

export function isGradientMethod(method: string | undefined): method is GradientMethod {
  return GRADIENT_METHODS.includes(method as GradientMethod);
}

function baselineFlag(value: string | undefined): Extract<BaselineSpec, string | number> {
  const v = value ?? 'zeros';
  if (v === 'zeros' || v === 'blur' || v === 'uniform' || v === 'mean') return v;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  throw new GlassboxError('invalid_argument', `--baseline ${v} is not zeros, blur, uniform, mean or a number.`, { argument: '--baseline', hint: 'Use --baseline zeros (default), blur, uniform, mean or a constant like 0.5.' });
}

/** Builds the explainer for --method and its flags. */
export function gradientExplainer(flags: GradientFlags): Explainer<GradientModel, Tensor> {
  const method = parseChoice('--method', flags.method, GRADIENT_METHODS, 'saliency');
  const output = parseChoice('--grad-output', flags.gradOutput, ['logits', 'probabilities'] as const, 'logits');
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  switch (method) {
    case 'saliency': return saliency({ output });
    case 'input-x-gradient': return inputXGradient({ output });
    case 'guided-backprop': return guidedBackprop({ output });
    case 'smoothgrad': return smoothGrad({ output, seed, samples: parseIntegerFlag('--samples', flags.samples, 50), sigma: Number(flags.sigma ?? 0.15) });
    case 'expected-gradients': return expectedGradients({ output, seed, samples: parseIntegerFlag('--samples', flags.samples, 5) });
    case 'integrated-gradients':
      return integratedGradients({ output, seed, steps: parseIntegerFlag('--steps', flags.steps, 50), method: parseChoice('--ig-rule', flags.igRule, IG_RULES, 'gausslegendre'), baseline: baselineFlag(flags.baseline) });
    case 'grad-cam':
      if (!flags.layer) throw new GlassboxError('invalid_argument', 'grad-cam needs --layer NAME (the output of the last convolution).', { argument: '--layer', hint: 'List tensor names with model.layerNames, e.g. /conv2/Conv_output_0.' });
      return gradCam({ layer: flags.layer, output });
  }
}


/** Resolves --target N | predicted | label. */
export function targetFlag(value: string | undefined, labels: Int32Array | undefined, nRows: number): TargetSelector {
  const v = value ?? 'predicted';
  if (v === 'predicted') return 'predicted';
  if (v === 'label') {
    if (!labels) throw new GlassboxError('invalid_argument', '--target label needs labels: an image folder (one subfolder per class) or --labels file.npy.', { argument: '--target', hint: 'Pass --labels labels.npy with one integer per row.' });
    if (labels.length !== nRows) throw new GlassboxError('shape_mismatch', `--labels has ${labels.length} entries for ${nRows} rows.`, { argument: '--labels', hint: 'Give one label per row of --data.' });
    return labels;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new GlassboxError('invalid_argument', `--target ${v} is not a class index, predicted or label.`, { argument: '--target', hint: 'Use --target 3, --target predicted or --target label.' });
  return n;
}

function labelsFromNpy(path: string): Int32Array {
  const arr = readNpy(path);
  return Int32Array.from(arr.data instanceof BigInt64Array ? Array.from(arr.data, Number) : Array.from(arr.data));
}

export interface GradientExplainResult {
  readonly attribution: Attribution;
  readonly json: AttributionJson;
  /** PNG overlays (image data) for report image blocks. */
  readonly blocks: readonly ReportBlock[];
}

/** Runs a gradient method on a loaded model and tensor; images also get PNG heatmap overlays. */
export async function runGradientExplain(model: GradientModel, x: Tensor, flags: GradientFlags, options: { labels?: Int32Array; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<GradientExplainResult> {
  const explainer = gradientExplainer(flags);
  const labels = flags.labels ? labelsFromNpy(flags.labels) : options.labels;
  const target = targetFlag(flags.target, labels, x.shape[0] ?? 0);
  const attribution = await explainer.explain(model, x, { target, ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
  const blocks: ReportBlock[] = [];
  if (x.shape.length === 4) {
    const [, c, h, w] = x.shape as [number, number, number, number];
    const count = Math.min(x.shape[0]!, parseIntegerFlag('--heatmaps', flags.heatmaps, 8));
    const size = c * h * w;
    const mode = explainer.method === 'saliency' || explainer.method === 'grad-cam' ? 'magnitude' : 'signed';
    for (let r = 0; r < count; r++) {
      const png = await heatmapOverlayPng(x.data.subarray(r * size, (r + 1) * size), attribution.values.subarray(r * size, (r + 1) * size), [c, h, w], { mode });
      blocks.push({ kind: 'image', caption: `row ${r}: ${explainer.method}, target ${attribution.target[r]}, output ${attribution.outputs[r]!.toFixed(3)}`, pngBase64: png });
    }
  }
  return { attribution, json: attributionToJson(attribution), blocks };
}

/**
 * `glassbox explain-gradients --model m.onnx --data images/ --method saliency`: a standalone form of
 * the gradient methods (the lead's `glassbox explain` can call runGradientExplain instead).
 */
export function registerExplainGradientsCommand(program: Command): void {
  const command = program
    .command('explain-gradients')
    .description('Gradient attributions (saliency, IG, SmoothGrad, guided backprop, Grad-CAM, …) for an ONNX model; JSON to stdout')
    .requiredOption('--model <file.onnx>', 'ONNX model')
    .requiredOption('--data <path>', 'a folder of PNG/JPEG images (one subfolder per class) or a .npy tensor')
    .option('--method <name>', GRADIENT_METHODS.join(' | '), 'saliency')
    .option('--samples <n>', 'smoothgrad / expected-gradients: samples per row')
    .option('--seed <n>', 'seed for stochastic methods', '0')
    .option('--target <t>', 'class to explain: an index, predicted, or label (with --labels for .npy data)', 'predicted');
  addGradientOptions(command).action(async (flags: GradientFlags & { model: string; data: string }) => {
    const model = await loadOnnxGradModel(flags.model, { engine: engineFlag(flags) });
    try {
      const data = await loadGradientData(flags.data, model);
      const result = await runGradientExplain(model, data.x, flags, data.labels ? { labels: data.labels } : {});
      process.stdout.write(`${JSON.stringify(result.json)}\n`);
    } finally {
      await model.dispose();
    }
  });
}
