import { GlassboxError, throwIfAborted } from '../errors.js';
import { fitGaussianMixture } from '../math/gaussian-mixture.js';
import type { Trainable } from '../model/capabilities.js';
import type { Model } from '../model/model.js';
import type { Tensor } from '../model/tensor.js';
import { Rng } from '../rng.js';
import { fit } from '../train/fit.js';
import { composeLoss, crossEntropy } from '../train/losses.js';
import { mixIn } from '../train/transforms.js';
import type { TrainingProgress, TrainingResult } from '../train/types.js';
import { majority, type FailureScenario } from './distill.js';
import type { UnrestrictedAdversarialExamples } from './identify.js';
import { modelLayoutFor, predictClasses, toModelInput } from './model-input.js';
import { sampleScenario, type ScenarioSampling } from './scenario-samples.js';
import type { Vae } from './vae/vae.js';

/** Labelled images [n, H, W, C] with class indices. */
export interface LabelledImages {
  readonly images: Tensor;
  readonly labels: Int32Array;
}

export interface CorrectionOptions {
  /** Latent codes sampled per annotated scenario for fine-tuning (default 2000). */
  readonly samplesPerScenario?: number;
  /**
   * 'recognisable' (default): keep only draws whose decodes pass identification's recognisability test
   * (the reconstruction classifier still sees the scenario's source class); 'gaussian': every draw.
   */
  readonly sampling?: ScenarioSampling;
  /** Most codes drawn per scenario when sampling 'recognisable' (default 10 · samplesPerScenario). */
  readonly maxDrawsPerScenario?: number;
  /** The reconstruction classifier's threshold for 'recognisable' sampling: the search's (default 0.9). */
  readonly checkerConfidence?: number;
  /**
   * Training images (not held-out sources) whose VAE reconstructions join the scenario rows with their
   * own labels (default 4000): decoded images of every class, so fine-tuning learns the scenarios'
   * labels rather than "a decoded-looking image is the scenario's class".
   */
  readonly anchorRows?: number;
  /** Share of the distinct source images whose examples are held out for evaluation (default 0.5). */
  readonly heldOutFraction?: number;
  /** λ: weight of a scenario row relative to a training row in the loss (default 1). */
  readonly lambda?: number;
  /** Scenario and anchor rows appended to every training batch (default 64). */
  readonly rowsPerBatch?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface ScenarioCorrection {
  readonly id: number;
  readonly label: number;
  /** Members whose source images fine-tuning may see (their Gaussian is sampled). */
  readonly fitMembers: number;
  /** Members of held-out source images: never seen by fine-tuning. */
  readonly heldOut: number;
  /** Sampled codes used for fine-tuning, and how many were drawn to find them. */
  readonly samples: number;
  readonly samplesDrawn: number;
  /** Accuracy (against the annotation) on the held-out members; null without any. */
  readonly accuracyBefore: number | null;
  readonly accuracyAfter: number | null;
}

export interface ClassChange {
  readonly label: number;
  readonly n: number;
  readonly accuracyBefore: number;
  readonly accuracyAfter: number;
}

export interface CorrectionResult {
  readonly scenarios: readonly ScenarioCorrection[];
  /** Pooled accuracy on every held-out member of an annotated scenario. */
  readonly scenarioAccuracyBefore: number | null;
  readonly scenarioAccuracyAfter: number | null;
  readonly heldOut: number;
  readonly testAccuracyBefore: number;
  readonly testAccuracyAfter: number;
  readonly perClass: readonly ClassChange[];
  readonly scenarioRows: number;
  readonly training: TrainingResult;
  readonly options: Required<Omit<CorrectionOptions, 'signal' | 'onProgress'>>;
}

function settings(o: CorrectionOptions): Required<Omit<CorrectionOptions, 'signal' | 'onProgress'>> {
  const samplesPerScenario = o.samplesPerScenario ?? 2000;
  const r = { samplesPerScenario, sampling: o.sampling ?? 'recognisable', maxDrawsPerScenario: o.maxDrawsPerScenario ?? 10 * samplesPerScenario, checkerConfidence: o.checkerConfidence ?? 0.9, anchorRows: o.anchorRows ?? 4000, heldOutFraction: o.heldOutFraction ?? 0.5, lambda: o.lambda ?? 1, rowsPerBatch: o.rowsPerBatch ?? 64, epochs: o.epochs ?? 10, batchSize: o.batchSize ?? 64, learningRate: o.learningRate ?? 1e-3, seed: o.seed ?? 0 };
  if (!(Number.isInteger(r.samplesPerScenario) && r.samplesPerScenario >= 0)) throw new GlassboxError('invalid_argument', `samplesPerScenario must be an integer ≥ 0 (got ${r.samplesPerScenario})`, { argument: 'samplesPerScenario', hint: 'Use e.g. 200.' });
  if (r.sampling !== 'recognisable' && r.sampling !== 'gaussian') throw new GlassboxError('invalid_argument', `sampling must be 'recognisable' or 'gaussian' (got ${String(r.sampling)})`, { argument: 'sampling', hint: 'Use \'recognisable\' (draws the reconstruction classifier accepts) or \'gaussian\' (every draw).' });
  if (!(Number.isInteger(r.maxDrawsPerScenario) && r.maxDrawsPerScenario >= r.samplesPerScenario)) throw new GlassboxError('invalid_argument', `maxDrawsPerScenario must be an integer ≥ samplesPerScenario (${r.samplesPerScenario}; got ${r.maxDrawsPerScenario})`, { argument: 'maxDrawsPerScenario', hint: `Use e.g. ${10 * r.samplesPerScenario}.` });
  if (!(r.checkerConfidence >= 0 && r.checkerConfidence <= 1)) throw new GlassboxError('invalid_argument', `checkerConfidence must be in [0, 1] (got ${r.checkerConfidence})`, { argument: 'checkerConfidence', hint: 'Use the search\'s threshold, e.g. 0.9.' });
  if (!(r.heldOutFraction > 0 && r.heldOutFraction < 1)) throw new GlassboxError('invalid_argument', `heldOutFraction must be in (0, 1) (got ${r.heldOutFraction})`, { argument: 'heldOutFraction', hint: 'Use e.g. 0.5.' });
  if (!(Number.isFinite(r.lambda) && r.lambda >= 0)) throw new GlassboxError('invalid_argument', `lambda must be a finite number ≥ 0 (got ${r.lambda})`, { argument: '--lambda', hint: 'Use e.g. 1.' });
  return r;
}

function accuracy(predicted: Int32Array, labels: ArrayLike<number>): number {
  let ok = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) ok++;
  return predicted.length === 0 ? Number.NaN : ok / predicted.length;
}

function gather(images: Tensor, rows: readonly number[]): Tensor {
  const size = images.data.length / Math.max(1, images.shape[0] ?? 1);
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(images.data.subarray(r * size, (r + 1) * size), i * size));
  return { data: out, shape: [rows.length, ...images.shape.slice(1)] };
}

/** Source rows held out (seeded): ⌈fraction · distinct sources⌉ of them, whatever scenario their examples fall in. */
function heldOutSources(examples: UnrestrictedAdversarialExamples, fraction: number, rng: Rng): Set<number> {
  const sources = [...new Set(examples.sourceRows)].sort((a, b) => a - b);
  const order = rng.permutation(sources.length);
  const count = Math.ceil(fraction * sources.length);
  return new Set(Array.from(order.subarray(0, count), (i) => sources[i]!));
}

/**
 * Defuse's correction step: fine-tunes the classifier with glassbox's `fit` on its original training
 * data plus, for every annotated scenario, codes sampled from a Gaussian fitted to the latent codes of
 * the scenario's members whose sources are not held out (and those members' decoded images), labelled
 * with the annotation. By default only draws whose decodes pass identification's recognisability
 * test are kept (see `sampleScenario`). Each batch of training rows gets `rowsPerBatch` scenario rows with weight λ,
 * so the loss is (Σ ℓ_train + λ Σ ℓ_scenario) / (m + λ·k), the paper's λ-weighted sum of the two
 * objectives per batch. Evaluates on the held-out members (examples of source images fine-tuning never
 * saw) and on the test images, before and after. Trains `model` in place.
 */
export async function correctModel(model: Model & Trainable, vae: Vae, examples: UnrestrictedAdversarialExamples, scenarios: readonly FailureScenario[], annotations: ReadonlyMap<number, number>, train: LabelledImages, test: LabelledImages, options: CorrectionOptions = {}): Promise<CorrectionResult> {
  const o = settings(options);
  const classes = model.outputWidth;
  for (const [id, label] of annotations) {
    if (!scenarios.some((s) => s.id === id)) throw new GlassboxError('invalid_argument', `Annotation for scenario ${id}, which does not exist (scenarios 0 … ${scenarios.length - 1})`, { argument: 'annotations', hint: 'Annotate the ids listed in scenarios.json.' });
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) throw new GlassboxError('invalid_argument', `Scenario ${id} is annotated with class ${label}; the model has classes 0 … ${classes - 1}`, { argument: 'annotations', hint: 'Annotate with one of the model\'s classes.' });
  }
  if (annotations.size === 0) throw new GlassboxError('invalid_argument', 'No scenario is annotated, so there is nothing to correct', { argument: 'annotations', hint: 'Annotate scenarios with glassbox defuse annotate, or pass --accept-source.' });
  vae.checkImages(train.images, 'train.images');
  vae.checkImages(test.images, 'test.images');
  const layout = modelLayoutFor(model, vae.config.imageShape);
  const rng = new Rng(o.seed);
  const held = heldOutSources(examples, o.heldOutFraction, rng.fork());
  const sampleRng = rng.fork();
  const d = vae.latentDim;
  const extraCodes: Float32Array[] = [];
  const extraLabels: number[] = [];
  const extraMembers: number[] = [];
  const plan: { s: FailureScenario; label: number; fitRows: number[]; heldRows: number[]; samples: number; drawn: number }[] = [];
  for (const s of scenarios.filter((sc) => annotations.has(sc.id))) {
    throwIfAborted(options.signal);
    const label = annotations.get(s.id)!;
    const fitRows = [...s.members].filter((i) => !held.has(examples.sourceRows[i]!));
    const heldRows = [...s.members].filter((i) => held.has(examples.sourceRows[i]!));
    let samples = 0;
    let drawn = 0;
    if (fitRows.length > 0 && o.samplesPerScenario > 0) {
      const z = Float64Array.from(fitRows.flatMap((i) => Array.from(examples.latent.subarray(i * d, (i + 1) * d))));
      const full = fitRows.length > d;
      const gaussian = fitGaussianMixture(z, fitRows.length, d, { components: 1, covariance: full ? 'full' : 'diag', regularization: full ? 1e-3 : 0.05, seed: sampleRng.fork() });
      const drawRng = sampleRng.fork();
      const sampled = await sampleScenario(vae, gaussian, { count: o.samplesPerScenario, sampling: o.sampling, maxDraws: o.maxDrawsPerScenario, sourceLabel: majority(s.sourceLabels), checkerConfidence: o.checkerConfidence, rng: drawRng, ...(options.signal ? { signal: options.signal } : {}) });
      extraCodes.push(sampled.codes);
      samples = sampled.accepted;
      drawn = sampled.drawn;
      for (let k = 0; k < samples; k++) extraLabels.push(label);
    }
    for (const i of fitRows) {
      extraMembers.push(i);
      extraLabels.push(label);
    }
    plan.push({ s, label, fitRows, heldRows, samples, drawn });
  }
  const anchors = [...rng.fork().permutation(train.labels.length)].filter((i) => !held.has(i)).slice(0, o.anchorRows).sort((a, b) => a - b);
  for (const i of anchors) extraLabels.push(train.labels[i]!);
  if (extraLabels.length === 0) throw new GlassboxError('invalid_input', 'Every annotated scenario\'s examples come from held-out source images, so there is nothing to fine-tune on', { hint: 'Find more examples (raise --samples-per-example) or lower the held-out fraction.' });
  const codes = new Float32Array(extraCodes.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of extraCodes) {
    codes.set(c, offset);
    offset += c.length;
  }
  const sampled = vae.decode(codes);
  const members = gather(examples.images, extraMembers);
  const anchorImages = anchors.length > 0 ? vae.reconstruct(gather(train.images, anchors)).data : new Float32Array(0);
  const extraImages = new Float32Array(sampled.data.length + members.data.length + anchorImages.length);
  extraImages.set(sampled.data);
  extraImages.set(members.data, sampled.data.length);
  extraImages.set(anchorImages, sampled.data.length + members.data.length);
  const extraN = extraLabels.length;
  const extraX = toModelInput({ data: extraImages, shape: [extraN, ...vae.config.imageShape] }, layout);

  const heldAll = plan.flatMap((p) => p.heldRows);
  const heldLabels = plan.flatMap((p) => p.heldRows.map(() => p.label));
  const heldImages = gather(examples.images, heldAll);
  const evaluate = async (): Promise<{ held: Int32Array; test: Int32Array }> => ({ held: (await predictClasses(model, heldImages, layout)).index, test: (await predictClasses(model, test.images, layout)).index });
  const before = await evaluate();
  const training = await fit(model, { x: toModelInput(train.images, layout), y: Float32Array.from(train.labels) }, composeLoss(crossEntropy()), {
    epochs: o.epochs,
    batchSize: o.batchSize,
    seed: o.seed,
    optimizer: { kind: 'adam', learningRate: o.learningRate },
    transform: mixIn({ x: extraX, y: Float32Array.from(extraLabels) }, { rowsPerBatch: o.rowsPerBatch, weight: o.lambda }),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  const after = await evaluate();
  let cursor = 0;
  const perScenario = plan.map((p): ScenarioCorrection => {
    const slice = (a: Int32Array): Int32Array => a.subarray(cursor, cursor + p.heldRows.length);
    const labels = new Int32Array(p.heldRows.length).fill(p.label);
    const result = { id: p.s.id, label: p.label, fitMembers: p.fitRows.length, heldOut: p.heldRows.length, samples: p.samples, samplesDrawn: p.drawn, accuracyBefore: p.heldRows.length ? accuracy(slice(before.held), labels) : null, accuracyAfter: p.heldRows.length ? accuracy(slice(after.held), labels) : null };
    cursor += p.heldRows.length;
    return result;
  });
  const perClass: ClassChange[] = [];
  for (let c = 0; c < classes; c++) {
    const rows: number[] = [];
    for (let i = 0; i < test.labels.length; i++) if (test.labels[i] === c) rows.push(i);
    if (rows.length === 0) continue;
    const pick = (a: Int32Array): Int32Array => Int32Array.from(rows, (r) => a[r]!);
    const labels = new Int32Array(rows.length).fill(c);
    perClass.push({ label: c, n: rows.length, accuracyBefore: accuracy(pick(before.test), labels), accuracyAfter: accuracy(pick(after.test), labels) });
  }
  return {
    scenarios: perScenario,
    scenarioAccuracyBefore: heldAll.length ? accuracy(before.held, heldLabels) : null,
    scenarioAccuracyAfter: heldAll.length ? accuracy(after.held, heldLabels) : null,
    heldOut: heldAll.length,
    testAccuracyBefore: accuracy(before.test, test.labels),
    testAccuracyAfter: accuracy(after.test, test.labels),
    perClass,
    scenarioRows: extraN,
    training,
    options: o,
  };
}
