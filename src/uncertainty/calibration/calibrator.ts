import { GlassboxError } from '../../errors.js';
import { applyIsotonic, fitIsotonic } from './isotonic.js';
import { applyPlatt, fitPlatt } from './platt.js';
import { logProbabilities, softmax } from './probabilities.js';
import { fitTemperature } from './temperature.js';
import { fitVectorScaling, vectorScaledLogits } from './vector-scaling.js';

export const CALIBRATOR_KINDS = ['temperature', 'vector', 'platt', 'isotonic'] as const;
export type CalibratorKind = (typeof CALIBRATOR_KINDS)[number];

/** What the model's outputs are: logits, or probabilities (whose logs stand in for logits). */
export type ScoreSpace = 'logits' | 'probabilities';

/** What a calibrator was fitted on: enough to tell whether it belongs to these outputs. */
export interface FittedOn {
  readonly rows: number;
  readonly classes: number;
  /** Class names when known (a model's classes). */
  readonly classNames?: readonly string[];
  /** Whether the fit read logits or probabilities. Vector scaling must be applied to the same. */
  readonly scores: ScoreSpace;
  readonly nllBefore: number;
  readonly nllAfter: number;
  /** Free text: the data and model, the split and seed. */
  readonly source?: string;
}

export type CalibratorParameters =
  | { readonly kind: 'temperature'; readonly temperature: number }
  | { readonly kind: 'vector'; readonly weights: readonly number[]; readonly biases: readonly number[] }
  | { readonly kind: 'platt'; readonly slope: number; readonly intercept: number }
  | { readonly kind: 'isotonic'; readonly x: readonly number[]; readonly y: readonly number[] };

/** A fitted recalibration map from a model's outputs to calibrated probabilities; JSON as it stands. */
export type Calibrator = CalibratorParameters & { readonly format: 'glassbox-calibrator'; readonly version: 1; readonly fittedOn: FittedOn };

/** Model outputs to calibrate: n × k, logits or probabilities. */
export interface ModelScores {
  readonly values: ArrayLike<number>;
  readonly k: number;
  readonly space: ScoreSpace;
}

function logitsOf(scores: ModelScores): Float64Array {
  return scores.space === 'logits' ? Float64Array.from(scores.values as ArrayLike<number>) : logProbabilities(scores.values);
}

function probabilitiesOf(scores: ModelScores): Float64Array {
  return scores.space === 'logits' ? softmax(scores.values, scores.k) : Float64Array.from(scores.values as ArrayLike<number>);
}

/** Binary models: logit of P(last class), the score Platt scaling reads (equal to z₁ − z₀ for logits). */
function positiveLogit(scores: ModelScores): Float64Array {
  const z = logitsOf(scores);
  const n = z.length / 2;
  return Float64Array.from({ length: n }, (_, i) => z[2 * i + 1]! - z[2 * i]!);
}

function requireBinary(kind: CalibratorKind, k: number): void {
  if (k !== 2) throw new GlassboxError('invalid_argument', `${kind} calibration is for binary models; these outputs have ${k} classes.`, { argument: 'kind', hint: 'Use temperature or vector scaling for multiclass models.' });
}

/** Mean −ln p_label. */
function meanNll(p: Float64Array, labels: Int32Array, k: number): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s -= Math.log(Math.max(p[i * k + labels[i]!]!, 1e-15));
  return s / labels.length;
}

/**
 * Fits a calibrator of the given kind on calibration rows (evaluate it on other rows): temperature and
 * vector scaling (Guo et al. 2017) for any number of classes, Platt (1999) and isotonic (Zadrozny & Elkan
 * 2002) for binary models, where they map P(positive).
 */
export function fitCalibrator(kind: CalibratorKind, scores: ModelScores, labels: Int32Array, meta: { classNames?: readonly string[]; source?: string; signal?: AbortSignal } = {}): Calibrator {
  const { k } = scores;
  if (scores.values.length !== labels.length * k) throw new GlassboxError('shape_mismatch', `${scores.values.length} scores do not form ${labels.length} rows × ${k} classes.`, { argument: 'scores' });
  let parameters: CalibratorParameters;
  const signal = meta.signal ? { signal: meta.signal } : {};
  if (kind === 'temperature') {
    const fit = fitTemperature(logitsOf(scores), labels, k, signal);
    if (fit.atBound) throw new GlassboxError('not_converged', `The NLL keeps falling up to the temperature bound ${fit.temperature}; no optimum inside [0.01, 100].`, { hint: 'The outputs may not be probabilities or logits of these labels; check the class order.' });
    parameters = { kind, temperature: fit.temperature };
  } else if (kind === 'vector') {
    const fit = fitVectorScaling(logitsOf(scores), labels, k, signal);
    parameters = { kind, weights: Array.from(fit.weights), biases: Array.from(fit.biases) };
  } else {
    requireBinary(kind, k);
    const positive = Uint8Array.from(labels, (y) => (y === 1 ? 1 : 0));
    if (kind === 'platt') {
      const fit = fitPlatt(positiveLogit(scores), positive);
      parameters = { kind, slope: fit.slope, intercept: fit.intercept };
    } else {
      const p = probabilitiesOf(scores);
      const fit = fitIsotonic(Float64Array.from({ length: labels.length }, (_, i) => p[2 * i + 1]!), positive);
      parameters = { kind, x: Array.from(fit.x), y: Array.from(fit.y) };
    }
  }
  const draft = { format: 'glassbox-calibrator' as const, version: 1 as const, ...parameters, fittedOn: { rows: labels.length, classes: k, scores: scores.space, nllBefore: 0, nllAfter: 0 } };
  const fittedOn: FittedOn = {
    rows: labels.length,
    classes: k,
    ...(meta.classNames ? { classNames: [...meta.classNames] } : {}),
    scores: scores.space,
    nllBefore: meanNll(probabilitiesOf(scores), labels, k),
    nllAfter: meanNll(applyCalibrator(draft, scores), labels, k),
    ...(meta.source ? { source: meta.source } : {}),
  };
  return { ...draft, fittedOn };
}

/**
 * Calibrated probabilities (n × k, row-major) from a model's outputs. Vector scaling refuses outputs in a
 * different space than it was fitted on; the other kinds read logits and probabilities alike.
 */
export function applyCalibrator(calibrator: Calibrator, scores: ModelScores): Float64Array {
  const { k } = scores;
  if (k !== calibrator.fittedOn.classes) {
    throw new GlassboxError('shape_mismatch', `The calibrator was fitted on ${calibrator.fittedOn.classes} classes; these outputs have ${k}.`, { argument: '--calibrator', hint: 'Use a calibrator fitted on this model’s outputs (glassbox calibration --calibrator-out).' });
  }
  switch (calibrator.kind) {
    case 'temperature':
      return softmax(logitsOf(scores), k, calibrator.temperature);
    case 'vector':
      if (scores.space !== calibrator.fittedOn.scores) {
        throw new GlassboxError('invalid_argument', `This vector-scaling calibrator was fitted on ${calibrator.fittedOn.scores}; these outputs are ${scores.space}.`, { argument: '--calibrator', hint: 'Vector scaling is not invariant to a per-row shift of the logits: fit it on the same kind of outputs you apply it to.' });
      }
      return softmax(vectorScaledLogits(logitsOf(scores), k, calibrator.weights, calibrator.biases), k);
    case 'platt':
      return twoColumns(applyPlatt(positiveLogit(scores), calibrator));
    case 'isotonic': {
      const p = probabilitiesOf(scores);
      return twoColumns(applyIsotonic(Float64Array.from({ length: p.length / 2 }, (_, i) => p[2 * i + 1]!), { x: Float64Array.from(calibrator.x), y: Float64Array.from(calibrator.y) }));
    }
  }
}

function twoColumns(positive: Float64Array): Float64Array {
  const out = new Float64Array(2 * positive.length);
  positive.forEach((p, i) => {
    out[2 * i] = 1 - p;
    out[2 * i + 1] = p;
  });
  return out;
}
