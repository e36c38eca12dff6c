import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { ConfidenceInterval } from '../../math/stats/interval.js';
import { wilsonInterval } from '../../math/stats/wilson.js';
import type { ImageLayout } from '../../model/image-layout.js';
import type { Model } from '../../model/model.js';
import type { Tensor } from '../../model/tensor.js';
import { checkUnitRange, corruptImages, imageGeometry, resolveRegime } from './corrupt.js';
import { corruptionErrors, type CorruptionError } from './metrics.js';
import { pairedDifference } from '../../math/stats/paired-difference.js';
import type { Regime } from './params.js';
import { CORRUPTION_FAMILIES, CORRUPTION_NAMES, type CorruptionName, type Severity } from './types.js';

export interface RobustnessOptions {
  readonly corruptions?: readonly CorruptionName[];
  readonly severities?: readonly Severity[];
  readonly seed?: number;
  readonly regime?: Regime | 'auto';
  readonly layout?: ImageLayout;
  /** Confidence level of the intervals (default 0.95). */
  readonly confidence?: number;
  /** A model to normalise CE by (the paper's AlexNet role): gives CE, relative CE and their means. */
  readonly baseline?: Model;
  /** Row groupings for per-slice corruption error: a code per row (−1 = none) and the group names. */
  readonly groups?: readonly { readonly name: string; readonly codes: Int32Array; readonly categories: readonly string[] }[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, setting: string) => void;
  /** Called with each setting's corrupted images (e.g. to save them). */
  readonly onCorrupted?: (name: CorruptionName, severity: Severity, images: Tensor) => void | Promise<void>;
}

export interface SettingResult {
  readonly name: CorruptionName;
  readonly family: string;
  readonly severity: Severity;
  readonly accuracy: number;
  readonly correct: number;
  readonly n: number;
  readonly interval: ConfidenceInterval;
  /** Clean accuracy minus this accuracy on the same rows, with a paired interval. */
  readonly drop: { readonly value: number; readonly interval: ConfidenceInterval };
  /** Rows right when clean and wrong here, and the reverse. */
  readonly flippedToWrong: number;
  readonly flippedToRight: number;
  /** Indices (into x) of the rows right when clean and wrong here, in order. */
  readonly flippedRows: readonly number[];
  /** Accuracy per class (null for a class without rows). */
  readonly perClass: readonly (number | null)[];
  readonly baselineAccuracy?: number;
}

export interface GroupError {
  readonly group: string;
  readonly n: number;
  readonly cleanError: number | null;
  /** Mean error over every corruption × severity run. */
  readonly corruptionError: number | null;
}

export interface RobustnessResult {
  readonly method: 'imagenet-c';
  readonly seed: number;
  readonly regime: Regime;
  readonly layout: ImageLayout;
  readonly n: number;
  readonly classes: readonly string[];
  readonly severities: readonly Severity[];
  readonly clean: { readonly accuracy: number; readonly correct: number; readonly interval: ConfidenceInterval; readonly perClass: readonly (number | null)[]; readonly baselineAccuracy?: number };
  readonly corruptions: readonly SettingResult[];
  readonly ce: readonly CorruptionError[];
  readonly mCE: number | null;
  readonly relativeMCE: number | null;
  /** Whether CE is normalised by a baseline model (else the unnormalised mean error). */
  readonly normalised: boolean;
  readonly perClass: readonly GroupError[];
  readonly perSlice: readonly { readonly column: string; readonly groups: readonly GroupError[] }[];
}

/**
 * Accuracy of a classifier on images under the ImageNet-C corruptions at each severity (Hendrycks &
 * Dietterich 2019), with Wilson intervals, the paired drop from clean accuracy (Newcombe), CE and mCE
 * (relative to a baseline model when one is given), and corruption error per class and per slice.
 * Images must be in the model's input layout with values in [0, 1]; labels are class indices.
 */
export async function corruptionRobustness(model: Model, x: Tensor, labels: Int32Array, options: RobustnessOptions = {}): Promise<RobustnessResult> {
  const g = imageGeometry(x, options.layout);
  if (model.task === 'regression') throw new GlassboxError('invalid_argument', 'Corruption robustness is measured on classifiers; this model is a regression model.', { argument: '--model' });
  if (labels.length !== g.n) throw new GlassboxError('shape_mismatch', `${labels.length} labels for ${g.n} images.`, { argument: '--labels', hint: 'Give one class index per image.' });
  const width = Math.max(model.outputWidth, 2);
  const bad = labels.findIndex((l) => !(l >= 0 && l < width));
  if (bad >= 0) throw new GlassboxError('invalid_input', `Row ${bad} has label ${labels[bad]}, not a class index of the model (0–${width - 1}).`, { row: bad, argument: '--labels' });
  checkUnitRange(x);
  const corruptions = options.corruptions ?? CORRUPTION_NAMES;
  const severities = options.severities ?? ([1, 2, 3, 4, 5] as const);
  const seed = options.seed ?? 0;
  const level = options.confidence ?? 0.95;
  const regime = resolveRegime(options.regime, g);
  const classes = model.classes.length > 0 ? model.classes : Array.from({ length: width }, (_, i) => String(i));
  const predict = async (m: Model, t: Tensor): Promise<Uint8Array> => correctness(await m.predict(t, options.signal ? { signal: options.signal } : undefined), m.outputWidth, labels);
  const clean = await predict(model, x);
  const baselineClean = options.baseline ? await predict(options.baseline, x) : undefined;
  const settings: SettingResult[] = [];
  const wrongSum = new Float64Array(g.n);
  const total = corruptions.length * severities.length;
  for (const name of corruptions) {
    for (const severity of severities) {
      throwIfAborted(options.signal);
      options.onProgress?.(settings.length, total, `${name} ${severity}`);
      const images = await corruptImages(x, name, severity, { seed, regime, layout: g.layout, ...(options.signal ? { signal: options.signal } : {}) });
      await options.onCorrupted?.(name, severity, images);
      const right = await predict(model, images);
      for (let i = 0; i < g.n; i++) wrongSum[i]! += 1 - right[i]!;
      const baselineRight = options.baseline ? await predict(options.baseline, images) : undefined;
      settings.push(settingResult(name, severity, clean, right, labels, classes.length, level, baselineRight));
    }
  }
  options.onProgress?.(total, total, 'done');
  const cleanCorrect = count(clean);
  const errorsOf = (name: string, key: 'accuracy' | 'baselineAccuracy'): number[] => settings.filter((s) => s.name === name).map((s) => 1 - (s[key] ?? Number.NaN));
  const ce = corruptionErrors(corruptions, (n) => errorsOf(n, 'accuracy'), 1 - cleanCorrect / g.n, baselineClean ? { errors: (n) => errorsOf(n, 'baselineAccuracy'), clean: 1 - count(baselineClean) / g.n } : undefined);
  const classCodes = Int32Array.from(labels);
  return {
    method: 'imagenet-c',
    seed,
    regime,
    layout: g.layout,
    n: g.n,
    classes,
    severities,
    clean: { accuracy: cleanCorrect / g.n, correct: cleanCorrect, interval: wilsonInterval(cleanCorrect, g.n, level), perClass: perClassAccuracy(clean, labels, classes.length), ...(baselineClean ? { baselineAccuracy: count(baselineClean) / g.n } : {}) },
    corruptions: settings,
    ce: ce.perCorruption,
    mCE: ce.mCE,
    relativeMCE: ce.relativeMCE,
    normalised: ce.normalised,
    perClass: groupErrors(classCodes, classes, clean, wrongSum, total),
    perSlice: (options.groups ?? []).map((grouping) => ({ column: grouping.name, groups: groupErrors(grouping.codes, grouping.categories, clean, wrongSum, total) })),
  };
}

/** 1 where the predicted class (argmax; p ≥ 0.5 for a one-column binary output) equals the label. */
function correctness(outputs: Float32Array, width: number, labels: Int32Array): Uint8Array {
  const right = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    if (width === 1) best = outputs[i]! >= 0.5 ? 1 : 0;
    else for (let k = 1; k < width; k++) if (outputs[i * width + k]! > outputs[i * width + best]!) best = k;
    right[i] = best === labels[i] ? 1 : 0;
  }
  return right;
}

function count(v: Uint8Array): number {
  let c = 0;
  for (const b of v) c += b;
  return c;
}

function settingResult(name: CorruptionName, severity: Severity, clean: Uint8Array, right: Uint8Array, labels: Int32Array, k: number, level: number, baselineRight?: Uint8Array): SettingResult {
  let both = 0;
  let onlyClean = 0;
  let onlyCorrupted = 0;
  const flippedRows: number[] = [];
  for (let i = 0; i < right.length; i++) {
    if (clean[i] && right[i]) both++;
    else if (clean[i]) {
      onlyClean++;
      flippedRows.push(i);
    }
    else if (right[i]) onlyCorrupted++;
  }
  const correct = both + onlyCorrupted;
  const n = right.length;
  return {
    name,
    family: CORRUPTION_FAMILIES[name],
    severity,
    accuracy: correct / n,
    correct,
    n,
    interval: wilsonInterval(correct, n, level),
    drop: pairedDifference(both, onlyClean, onlyCorrupted, n, level),
    flippedToWrong: onlyClean,
    flippedToRight: onlyCorrupted,
    flippedRows,
    perClass: perClassAccuracy(right, labels, k),
    ...(baselineRight ? { baselineAccuracy: count(baselineRight) / n } : {}),
  };
}

function perClassAccuracy(right: Uint8Array, labels: Int32Array, k: number): (number | null)[] {
  const hits = new Float64Array(k);
  const counts = new Float64Array(k);
  labels.forEach((l, i) => {
    counts[l]!++;
    hits[l]! += right[i]!;
  });
  return Array.from(counts, (c, j) => (c > 0 ? hits[j]! / c : null));
}

function groupErrors(codes: Int32Array, names: readonly string[], clean: Uint8Array, wrongSum: Float64Array, settings: number): GroupError[] {
  return names.map((group, j) => {
    let n = 0;
    let cleanWrong = 0;
    let wrong = 0;
    codes.forEach((code, i) => {
      if (code !== j) return;
      n++;
      cleanWrong += 1 - clean[i]!;
      wrong += wrongSum[i]!;
    });
    return { group, n, cleanError: n > 0 ? cleanWrong / n : null, corruptionError: n > 0 && settings > 0 ? wrong / (n * settings) : null };
  });
}
