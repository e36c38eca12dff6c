import { isGlassboxError, throwIfAborted } from '../../errors.js';
import type { Attribution } from '../../explain/attribution.js';
import type { Explainer } from '../../explain/explainer.js';
import { gradCam, guidedBackprop, heatmapOverlayPng, integratedGradients, isRandomizable, sanityChecks, saliency } from '../../explain/gradients/public.js';
import type { GradientModel, MethodVerdict, RandomizableModel } from '../../explain/gradients/public.js';
import { isDifferentiable } from '../../model/capabilities.js';
import { channelsFirstView, imageLayout, permuteImages, type ImageLayout } from '../../model/image-layout.js';
import { gatherRows, type Tensor } from '../../model/tensor.js';
import { isTfjsLayersLike, randomizableTfjs } from '../../model/tfjs/randomizable.js';
import type { ImageGridRow, ReportBlock } from '../../results/blocks.js';
import { Rng } from '../../rng.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import type { Finding } from '../../results/finding.js';
import { labelledRows, predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Settings of the image section (documented in the report and results.json). */
export const IMAGE_ATTRIBUTION_SETTINGS = Object.freeze({
  /** Most confident errors shown. */
  examples: 6,
  /** Integrated Gradients steps (Gauss–Legendre, zero baseline): 32 keeps the scan quick; the CLI default is 50. */
  igSteps: 32,
  /** Images (a seeded sample of the audited rows) on which the sanity checks run. */
  sanityImages: 8,
  /** Adebayo et al.'s cascading (output layer first, cumulative; decides the verdict) and independent (one layer at a time) randomisation. */
  sanityTests: ['cascading', 'independent'] as const,
  /** A method fails when its mean cascade similarity is at least this (sanity-checks.ts default). */
  sanityThreshold: 0.4,
});

type Layout = ImageLayout;

/** Extras a gradient model may offer (the TF.js wrapper and the onnx-grad adapter do). */
type RichModel = GradientModel & {
  readonly supportsGuidedRelu?: true;
  readonly parameterLayers?: readonly { readonly name: string }[];
  forward?(x: Tensor, options?: { output?: 'logits' | 'probabilities'; signal?: AbortSignal }): Promise<Float32Array>;
  withRandomizedLayers?(layers: readonly string[], seed: number): RichModel;
  dispose?(): Promise<void>;
};

interface ErrorRow {
  /** Index into the audited rows. */
  readonly index: number;
  readonly rowId: number;
  readonly label: number;
  readonly predicted: number;
  readonly confidence: number;
}

interface MethodSpec {
  readonly name: string;
  readonly explainer: Explainer<GradientModel, Tensor>;
  readonly mode: 'signed' | 'magnitude';
}

/**
 * The scan's image section: gradient attributions for the most confident errors (saliency, Integrated
 * Gradients, Grad-CAM on the last convolution), explaining the predicted class, and the model-parameter
 * randomisation sanity checks of Adebayo et al. (2018, "Sanity Checks for Saliency Maps") for each
 * method, so readers know which maps reflect what the model learned. Guided Backprop is included in the
 * checks as the known failure.
 */
export const imageAttributions: Detector = {
  id: 'image-attributions',
  title: 'Image attributions: most confident errors and sanity checks',
  category: 'explanation',
  applies: (c) => {
    if (!c.x || c.x.shape.length !== 4) return c.pipeline ? 'the data is tabular, not images' : c.text ? 'the input is text, not images' : 'needs image input: a rank-4 tensor [n, C, H, W] (or [n, H, W, C])';
    if (!isDifferentiable(c.model)) return 'needs a differentiable model (gradients)';
    if (c.model.task === 'regression') return 'classification models only';
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  run: (c) => runImageAttributions(c),
};

async function runImageAttributions(c: ScanContext): Promise<DetectorResult> {
  const x = c.x!;
  const layout = imageLayout(x.shape);
  const inner = isTfjsLayersLike(c.model) ? randomizableTfjs(c.model) : (c.model as RichModel);
  const model = layout === 'nhwc' ? channelsFirstView(inner) : inner;
  const images = layout === 'nhwc' ? permuteImages(x, 'nhwc') : x;
  try {
    const output = typeof model.forward === 'function' ? 'logits' : 'probabilities';
    const layer = await lastConvLayer(model, images);
    const errors = confidentErrors(c, IMAGE_ATTRIBUTION_SETTINGS.examples);
    c.progress(`attributions for ${errors.length} confident errors`);
    const methods = methodSpecs(output, layer, false);
    const errorBlocks = await explainErrors(c, model, images, errors, methods);
    c.progress('sanity checks (model-parameter randomisation)');
    const sanity = await runSanity(c, model, images, output, layer);
    const findings = [summaryFinding(c, errors, methods, layer), ...sanityFindings(c, sanity.verdicts ?? [], sanity.rows)];
    const notes = sectionNotes(layout, layer, output);
    return {
      findings,
      sections: [{ id: 'image-attributions', title: 'Image attributions', blocks: [{ kind: 'text', markdown: notes }, ...errorBlocks, ...sanity.blocks] }],
      data: {
        settings: { ...IMAGE_ATTRIBUTION_SETTINGS, layout, output, gradCamLayer: layer ?? null, seed: c.seed },
        errors: errors.map((e) => ({ row: e.rowId, label: c.classes[e.label], predicted: c.classes[e.predicted], confidence: e.confidence })),
        sanity: sanity.verdicts ? { rows: sanity.rows.map((r) => c.table.rowIds[r]!), verdicts: sanity.verdicts } : { skipped: sanity.why },
      },
    };
  } finally {
    if (inner !== c.model) await inner.dispose?.();
  }
}


/**
 * The last convolutional layer, found structurally: the last layer name containing "conv" whose
 * activation is a 4-D map with more than one spatial position.
 */
async function lastConvLayer(model: GradientModel, x: Tensor): Promise<string | undefined> {
  const candidates = model.layerNames.filter((n) => /conv/i.test(n)).reverse();
  const one = { data: x.data.subarray(0, x.data.length / x.shape[0]!), shape: [1, ...x.shape.slice(1)] };
  for (const name of candidates) {
    const value = (await model.activations(one, [name]))[name];
    if (value && value.shape.length === 4 && value.shape[2]! * value.shape[3]! > 1) return name;
  }
  return undefined;
}

/** The k errors with the highest predicted probability (ties: row order). */
export function confidentErrors(c: Pick<ScanContext, 'outputs' | 'labels' | 'model' | 'table'>, k: number): ErrorRow[] {
  const width = c.model.outputWidth;
  const predicted = predictedClasses(c.outputs, width, c.model.task);
  const errors: ErrorRow[] = [];
  for (const i of labelledRows(c.labels)) {
    const p = predicted[i]!;
    if (p !== c.labels[i]) errors.push({ index: i, rowId: c.table.rowIds[i]!, label: c.labels[i]!, predicted: p, confidence: c.outputs[i * width + p]! });
  }
  errors.sort((a, b) => b.confidence - a.confidence || a.index - b.index);
  return errors.slice(0, k);
}

function methodSpecs(output: 'logits' | 'probabilities', layer: string | undefined, guided: boolean): MethodSpec[] {
  const specs: MethodSpec[] = [
    { name: 'saliency', explainer: saliency({ output }), mode: 'magnitude' },
    { name: 'integrated-gradients', explainer: integratedGradients({ steps: IMAGE_ATTRIBUTION_SETTINGS.igSteps, output }), mode: 'signed' },
  ];
  if (guided) specs.push({ name: 'guided-backprop', explainer: guidedBackprop({ output }), mode: 'signed' });
  if (layer) specs.push({ name: 'grad-cam', explainer: gradCam({ layer, output }), mode: 'signed' });
  return specs;
}

/** One grid: a row per error (the input, then each method's map of the predicted class), thumbnails that enlarge. */
async function explainErrors(c: ScanContext, model: GradientModel, images: Tensor, errors: readonly ErrorRow[], methods: readonly MethodSpec[]): Promise<ReportBlock[]> {
  if (errors.length === 0) return [{ kind: 'text', markdown: 'The model makes no errors on the labelled audited rows: no attributions to show.' }];
  const x = gatherRows(images, errors.map((e) => e.index));
  const target = Int32Array.from(errors, (e) => e.predicted);
  const context = { target, ...(c.signal ? { signal: c.signal } : {}) };
  const maps: Attribution[] = [];
  for (const m of methods) maps.push(await m.explainer.explain(model, x, context));
  const [, ch, h, w] = x.shape as [number, number, number, number];
  const size = ch * h * w;
  const rows: ImageGridRow[] = [];
  for (const [i, e] of errors.entries()) {
    throwIfAborted(c.signal);
    const image = displayImage(x.data.subarray(i * size, (i + 1) * size));
    const row = [await heatmapOverlayPng(image, new Float64Array(h * w), [ch, h, w])];
    for (const [k, m] of methods.entries()) {
      const values = maps[k]!.values.subarray(i * size, (i + 1) * size);
      row.push(await heatmapOverlayPng(image, values, [ch, h, w], { mode: m.mode }));
    }
    rows.push({ title: `row ${e.rowId} · label ${c.classes[e.label]} → predicted ${c.classes[e.predicted]} · p=${e.confidence.toFixed(3)}`, images: row });
  }
  const caption = 'Most confident errors: the input and each method’s map of the predicted class (click an image to enlarge it)';
  return [{ kind: 'image-grid', caption, columns: ['input', ...methods.map((m) => m.name)], rows }];
}

/** Pixel values rescaled to [0, 1] for display (images need not be normalised that way). */
function displayImage(values: Float32Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi > lo ? hi - lo : 1;
  return Float64Array.from(values, (v) => (v - lo) / span);
}

interface SanityOutcome {
  readonly blocks: ReportBlock[];
  readonly rows: readonly number[];
  readonly verdicts?: readonly MethodVerdict[];
  readonly why?: string;
}

async function runSanity(c: ScanContext, model: RichModel, images: Tensor, output: 'logits' | 'probabilities', layer: string | undefined): Promise<SanityOutcome> {
  const guided = model.supportsGuidedRelu === true;
  if (!isRandomizable(model)) {
    const why = 'the model cannot re-initialise its parameters layer by layer (load ONNX models with loadOnnxGradModel, or use a TF.js LayersModel)';
    return { blocks: [{ kind: 'text', markdown: `Sanity checks were not run: ${why}.` }], rows: [], why };
  }
  const rows = sanityRows(c, images.shape[0]!);
  const methods = methodSpecs(output, layer, guided);
  let verdicts: MethodVerdict[];
  try {
    verdicts = await sanityChecks(model as RandomizableModel, gatherRows(images, rows), {
      methods: methods.map((m) => m.explainer),
      seed: c.seed,
      tests: IMAGE_ATTRIBUTION_SETTINGS.sanityTests,
      threshold: IMAGE_ATTRIBUTION_SETTINGS.sanityThreshold,
      ...(c.signal ? { signal: c.signal } : {}),
    });
  } catch (error) {
    if (!isGlassboxError(error) || error.code === 'cancelled') throw error;
    const why = `the checks failed: ${error.message}`;
    return { blocks: [{ kind: 'text', markdown: `Sanity checks were not completed: ${why}` }], rows, why };
  }
  const blocks: ReportBlock[] = [verdictTable(verdicts, rows.length), stepTable(verdicts)];
  if (!guided) blocks.push({ kind: 'text', markdown: 'Guided Backprop was not checked: this model adapter cannot override ReLU gradients.' });
  return { blocks, rows, verdicts };
}

/** A seeded sample of at most `sanityImages` audited rows, in row order. */
function sanityRows(c: ScanContext, n: number): number[] {
  const k = Math.min(IMAGE_ATTRIBUTION_SETTINGS.sanityImages, n);
  return Array.from(new Rng(c.seed).permutation(n).subarray(0, k)).sort((a, b) => a - b);
}

function verdictTable(verdicts: readonly MethodVerdict[], images: number): ReportBlock {
  return {
    kind: 'table',
    caption: `Sanity checks (Adebayo et al. 2018): model-parameter randomisation on ${images} images; a method passes when its maps change as the layers are re-initialised from the output down (mean cascade similarity max(|Spearman of |maps||, SSIM) < ${IMAGE_ATTRIBUTION_SETTINGS.sanityThreshold})`,
    columns: ['method', 'verdict', 'cascade similarity', 'final Spearman (|map|)', 'final SSIM', 'reason'],
    rows: verdicts.map((v) => {
      const last = v.rows.filter((r) => r.test === 'cascading').at(-1);
      return [v.method, v.pass ? 'pass' : 'fail', round(v.cascadeSimilarity), last ? round(last.spearmanAbs) : null, last ? round(last.ssim) : null, v.reason];
    }),
  };
}

function stepTable(verdicts: readonly MethodVerdict[]): ReportBlock {
  const rows: (string | number | null)[][] = [];
  for (const v of verdicts) for (const r of v.rows) rows.push([v.method, r.test, r.layers.join(', '), round(r.spearman), round(r.spearmanAbs), round(r.ssim)]);
  return { kind: 'table', caption: 'Similarity to the trained model’s maps as layers are randomised (cascading: output side first, cumulative; independent: one layer at a time)', columns: ['method', 'test', 'randomised layers', 'Spearman', 'Spearman (|map|)', 'SSIM'], rows };
}

function round(v: number): number | null {
  return Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null;
}

function sectionNotes(layout: Layout, layer: string | undefined, output: string): string {
  const gradCamNote = layer ? `Grad-CAM on \`${layer}\` (the last convolutional layer), upsampled bilinearly.` : 'Grad-CAM was skipped: no convolutional layer with a spatial map was found among the model’s layers.';
  return [
    `The most confident errors (up to ${IMAGE_ATTRIBUTION_SETTINGS.examples}; highest predicted probability among misclassified rows), each explaining the **predicted** class in ${output} space:`,
    `saliency (|gradient|), Integrated Gradients (${IMAGE_ATTRIBUTION_SETTINGS.igSteps} Gauss–Legendre steps, zero baseline; red positive, blue negative), and ${gradCamNote}`,
    layout === 'nhwc' ? 'Images are channels-last; they are explained through a channels-first view of the model.' : '',
    'Heatmaps are normalised per image: they compare where evidence lies, not how much.',
  ].filter((s) => s).join(' ');
}

function summaryFinding(c: ScanContext, errors: readonly ErrorRow[], methods: readonly MethodSpec[], layer: string | undefined): Finding {
  const top = errors[0];
  const list = errors.map((e) => `row ${e.rowId} (${c.classes[e.label]} → ${c.classes[e.predicted]}, p=${e.confidence.toFixed(3)})`).join('; ');
  return {
    id: 'image-attributions/confident-errors',
    detector: 'image-attributions',
    severity: 'info',
    title: errors.length > 0 ? `The ${errors.length} most confident errors, with attributions` : 'No errors among the labelled images',
    summary: errors.length > 0 ? `Most confident errors: ${list}. Attributions (${methods.map((m) => m.name).join(', ')}) explain the predicted class.` : 'Every labelled image is classified correctly.',
    metric: 'confidence',
    value: top?.confidence ?? Number.NaN,
    examples: errors.map((e) => e.rowId),
    evidence: { errors: errors.map((e) => ({ row: e.rowId, label: c.classes[e.label], predicted: c.classes[e.predicted], confidence: e.confidence })), methods: methods.map((m) => m.name), gradCamLayer: layer ?? null, igSteps: IMAGE_ATTRIBUTION_SETTINGS.igSteps },
    suggestion: 'Look at what the maps highlight on confident mistakes: label noise, ambiguous inputs or a spurious cue (a border, a watermark) each leave a different trace.',
    reproduce: reproduceCommand(c),
  };
}

/** One medium finding per method that fails the sanity check, naming the methods that pass. */
function sanityFindings(c: ScanContext, verdicts: readonly MethodVerdict[], rows: readonly number[]): Finding[] {
  const passing = verdicts.filter((v) => v.pass).map((v) => v.method);
  const alternative = passing.length > 0 ? `prefer ${passing.join(', ')}, which passed` : 'no method checked here passed, so read every map with caution';
  return verdicts
    .filter((v) => !v.pass)
    .map((v) => ({
      id: `image-attributions/sanity-${v.method}`,
      detector: 'image-attributions',
      severity: 'medium' as const,
      title: `Explanations from ${v.method} barely depend on the model's parameters`,
      summary: `Cascading model-parameter randomisation (Adebayo et al. 2018) on ${rows.length} images: ${v.reason}.`,
      metric: 'cascade_similarity',
      value: v.cascadeSimilarity,
      baseline: IMAGE_ATTRIBUTION_SETTINGS.sanityThreshold,
      examples: rows.map((r) => c.table.rowIds[r]!),
      evidence: { threshold: IMAGE_ATTRIBUTION_SETTINGS.sanityThreshold, images: rows.length, seed: c.seed, steps: v.rows },
      suggestion: `Do not read ${v.method} maps as evidence of what the model learned: they mostly reflect the input's structure. ${alternative[0]!.toUpperCase()}${alternative.slice(1)}.`,
      reproduce: reproduceCommand(c),
    }));
}
