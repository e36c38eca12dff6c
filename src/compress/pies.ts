import { GlassboxError } from '../errors.js';
import type { ConfidenceInterval } from '../math/stats/interval.js';
import { studentTQuantile } from '../math/stats/distributions.js';
import { wilsonInterval } from '../math/stats/wilson.js';

/** A per-row grouping for the concentration table (a protected attribute, a slice, …). */
export interface PieGrouping {
  readonly name: string;
  /** Category index per row; −1 = missing (left out). */
  readonly codes: Int32Array;
  readonly categories: readonly string[];
}

export interface PieInputs {
  /** Predicted class per row, one array per base model (the population). */
  readonly base: readonly Int32Array[];
  /** Predicted class per row, one array per compressed model. */
  readonly compressed: readonly Int32Array[];
  readonly labels: Int32Array;
  readonly classes: readonly string[];
  readonly groups?: readonly PieGrouping[];
  /** Confidence level of the intervals (default 0.95). */
  readonly level?: number;
}

export interface PopulationAccuracy {
  /** Mean over the population's models of each model's accuracy on the rows. null without rows. */
  readonly base: number | null;
  readonly compressed: number | null;
}

export interface PieConcentration {
  readonly value: string;
  readonly n: number;
  readonly pies: number;
  /** Share of the rows that are PIEs, with its Wilson interval. null without rows. */
  readonly pieRate: number | null;
  readonly interval: ConfidenceInterval;
  /** pieRate / the overall PIE rate: above 1, PIEs are over-represented here. null when undefined. */
  readonly relativeRate: number | null;
  readonly accuracy: PopulationAccuracy;
}

export interface TopLine {
  /** Accuracy of each model of the population on all rows. */
  readonly base: readonly number[];
  readonly compressed: readonly number[];
  readonly baseMean: number;
  readonly compressedMean: number;
  /** compressedMean − baseMean, with a Welch t interval over the two populations' models. */
  readonly delta: number;
  readonly deltaInterval: ConfidenceInterval;
}

export interface PieResult {
  /** Positions (0-based, into the rows given) of the PIEs. */
  readonly pies: Int32Array;
  readonly modalBase: Int32Array;
  readonly modalCompressed: Int32Array;
  readonly accuracyOnPies: PopulationAccuracy;
  readonly accuracyOnRest: PopulationAccuracy;
  readonly pieRate: number;
  readonly perClass: readonly PieConcentration[];
  readonly perGroup: Readonly<Record<string, readonly PieConcentration[]>>;
  readonly topLine: TopLine;
  readonly populationSize: { readonly base: number; readonly compressed: number };
}

/**
 * Pruning Identified Exemplars (Hooker, Courville, Clark, Dauphin & Frome, "What do compressed deep neural
 * networks forget?", 2019): a row is a PIE when the modal predicted class of the compressed population
 * differs from the modal class of the base population (ties in a vote go to the lowest class index).
 * Reports the accuracy of both populations on PIEs and on the rest, the PIE rate per class and per group
 * with Wilson intervals, and the top-line accuracy change with a Welch t interval over models.
 */
export function findPies(inputs: PieInputs): PieResult {
  const n = inputs.labels.length;
  const k = inputs.classes.length;
  checkPopulation('base', inputs.base, n, k);
  checkPopulation('compressed', inputs.compressed, n, k);
  const level = inputs.level ?? 0.95;
  const modalBase = modal(inputs.base, n, k);
  const modalCompressed = modal(inputs.compressed, n, k);
  const isPie = new Uint8Array(n);
  const pieRows: number[] = [];
  for (let i = 0; i < n; i++) {
    if (modalBase[i] !== modalCompressed[i]) {
      isPie[i] = 1;
      pieRows.push(i);
    }
  }
  const all = (i: number): boolean => i >= 0;
  const pieRate = pieRows.length / Math.max(1, n);
  const concentration = (value: string, member: (i: number) => boolean): PieConcentration => {
    let rows = 0;
    let pies = 0;
    for (let i = 0; i < n; i++) {
      if (!member(i)) continue;
      rows++;
      pies += isPie[i]!;
    }
    const rate = rows > 0 ? pies / rows : null;
    return { value, n: rows, pies, pieRate: rate, interval: wilsonInterval(pies, rows, level), relativeRate: rate !== null && pieRate > 0 ? rate / pieRate : null, accuracy: populationAccuracy(inputs, member) };
  };
  const perGroup: Record<string, PieConcentration[]> = {};
  for (const g of inputs.groups ?? []) {
    if (g.codes.length !== n) throw new GlassboxError('shape_mismatch', `Grouping '${g.name}' has ${g.codes.length} values for ${n} rows.`, { column: g.name, hint: 'Give one group per evaluated row.' });
    perGroup[g.name] = g.categories.map((c, code) => concentration(c, (i) => g.codes[i] === code));
  }
  return {
    pies: Int32Array.from(pieRows),
    modalBase,
    modalCompressed,
    accuracyOnPies: populationAccuracy(inputs, (i) => isPie[i] === 1),
    accuracyOnRest: populationAccuracy(inputs, (i) => isPie[i] === 0),
    pieRate,
    perClass: inputs.classes.map((c, label) => concentration(c, (i) => inputs.labels[i] === label)),
    perGroup,
    topLine: topLine(inputs, all, level),
    populationSize: { base: inputs.base.length, compressed: inputs.compressed.length },
  };
}

function checkPopulation(name: string, population: readonly Int32Array[], n: number, k: number): void {
  if (population.length === 0) throw new GlassboxError('invalid_argument', `The ${name} population is empty.`, { argument: name === 'base' ? '--models' : '--compressed', hint: 'Give at least one model per population (Hooker et al. use 30; 5 is a practical minimum).' });
  population.forEach((p, m) => {
    if (p.length !== n) throw new GlassboxError('shape_mismatch', `${name} model ${m + 1} has ${p.length} predictions for ${n} rows.`, { argument: name });
    for (let i = 0; i < n; i++) if (!(p[i]! >= 0 && p[i]! < k)) throw new GlassboxError('invalid_input', `${name} model ${m + 1} predicts class ${p[i]} at row ${i}, outside [0, ${k}).`, { row: i, argument: name });
  });
}

/** Most frequent class per row over the population; ties go to the lowest class index. */
export function modal(population: readonly Int32Array[], n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  const votes = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    votes.fill(0);
    for (const p of population) votes[p[i]!]! += 1;
    let best = 0;
    for (let c = 1; c < k; c++) if (votes[c]! > votes[best]!) best = c;
    out[i] = best;
  }
  return out;
}

function meanAccuracy(population: readonly Int32Array[], labels: Int32Array, member: (i: number) => boolean): number | null {
  let rows = 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!member(i)) continue;
    rows++;
    for (const p of population) if (p[i] === labels[i]) correct++;
  }
  return rows > 0 ? correct / (rows * population.length) : null;
}

function populationAccuracy(inputs: PieInputs, member: (i: number) => boolean): PopulationAccuracy {
  return { base: meanAccuracy(inputs.base, inputs.labels, member), compressed: meanAccuracy(inputs.compressed, inputs.labels, member) };
}

function topLine(inputs: PieInputs, member: (i: number) => boolean, level: number): TopLine {
  const each = (population: readonly Int32Array[]): number[] => population.map((p) => meanAccuracy([p], inputs.labels, member) ?? 0);
  const base = each(inputs.base);
  const compressed = each(inputs.compressed);
  const stats = (v: number[]): { mean: number; variance: number } => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { mean, variance: v.length > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1) : Number.NaN };
  };
  const a = stats(base);
  const b = stats(compressed);
  const delta = b.mean - a.mean;
  const se2a = a.variance / base.length;
  const se2b = b.variance / compressed.length;
  const se = Math.sqrt(se2a + se2b);
  const df = (se2a + se2b) ** 2 / ((se2a ** 2) / (base.length - 1) + (se2b ** 2) / (compressed.length - 1));
  const half = se > 0 && Number.isFinite(df) ? studentTQuantile(1 - (1 - level) / 2, df) * se : se === 0 ? 0 : Number.NaN;
  return { base, compressed, baseMean: a.mean, compressedMean: b.mean, delta, deltaInterval: { low: delta - half, high: delta + half, level, method: 'welch-t over models' } };
}
