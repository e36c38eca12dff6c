import { GlassboxError } from '../../errors.js';
import { Rng } from '../../rng.js';
import type { Column, Table } from '../../data/table.js';
import type { Schema } from '../../data/schema.js';
import { describePredicates, matchPredicates } from '../../data/predicate.js';
import type { Predicate } from '../../data/predicate.js';
import { CREDIT_CATEGORIES, creditScore, sampleCreditFeatures } from './features.js';
import type { CreditFeatures } from './features.js';

/** Labels are flipped with probability `flipRate` in rows matching every predicate (a conjunction). */
export interface WeakSlicePlant {
  readonly name: string;
  /** `subgroup`: a small population where the model should be much worse; `label_noise`: a noisy region. */
  readonly kind?: 'subgroup' | 'label_noise';
  readonly predicates: readonly Predicate[];
  readonly flipRate: number;
  readonly description?: string;
}

/** Historical bias: the true score of one group of a categorical column is shifted by `logitShift` (before `sharpness` scales it into log-odds). */
export interface BiasPlant {
  readonly attribute: string;
  readonly group: string;
  readonly logitShift: number;
}

/** A "Clever Hans" column computed from the clean label: it disagrees with the label in a `noise` fraction of rows. */
export interface LeakPlant {
  readonly noise: number;
}

/** What to plant. Keys left out are not planted; omit `plants` altogether for the documented defaults. */
export interface CreditPlants {
  readonly weakSlices?: readonly WeakSlicePlant[];
  readonly bias?: readonly BiasPlant[];
  readonly leak?: LeakPlant | null;
}

export interface CreditOptions {
  readonly seed?: number;
  readonly rows?: number;
  /** Fraction of rows in the test split. Default 0.3. */
  readonly testFraction?: number;
  /** Multiplies the true log-odds: larger means less irreducible noise. Default 2. */
  readonly sharpness?: number;
  readonly plants?: CreditPlants;
}

/** The defects the `credit` demo ships with (documented in docs/demos.md). */
export const DEFAULT_CREDIT_PLANTS: CreditPlants = Object.freeze<CreditPlants>({
  weakSlices: [
    {
      name: 'young_self_employed',
      kind: 'subgroup',
      predicates: [
        { feature: 'age', op: '<', value: 25 },
        { feature: 'employment', op: '==', value: 'self_employed' },
      ],
      flipRate: 0.4,
      description: 'Outcomes of young self-employed applicants were recorded unreliably (40% flipped): the model is much worse there.',
    },
    {
      name: 'income_90_120_label_noise',
      kind: 'label_noise',
      predicates: [
        { feature: 'income', op: '>=', value: 90 },
        { feature: 'income', op: '<', value: 120 },
      ],
      flipRate: 0.3,
      description: 'Labels of applicants with income in [90, 120) k are noisy (30% flipped).',
    },
  ],
  bias: [{ attribute: 'gender', group: 'female', logitShift: -1.2 }],
  leak: { noise: 0.12 },
});

export interface WeakSliceTruth extends WeakSlicePlant {
  readonly kind: 'subgroup' | 'label_noise';
  readonly rule: string;
  readonly rows: number;
  readonly trainRows: number;
  readonly testRows: number;
  readonly flippedRows: number;
}

export interface BiasTruth extends BiasPlant {
  /** Observed positive-label rate per group of the attribute (all rows). */
  readonly positiveRate: Readonly<Record<string, number>>;
}

/** Exactly what was planted; JSON-serialisable (written as ground-truth.json beside a scan's output). */
export interface CreditGroundTruth {
  readonly generator: 'glassbox/credit';
  readonly version: 1;
  readonly seed: number;
  readonly rows: number;
  readonly testFraction: number;
  readonly sharpness: number;
  readonly target: { readonly name: 'repaid'; readonly classes: readonly ['no', 'yes']; readonly positiveClass: 'yes' };
  /** Features that enter the true outcome (before bias and noise). */
  readonly informativeFeatures: readonly string[];
  /** Model features with no effect on the true outcome (besides planted bias). */
  readonly irrelevantFeatures: readonly string[];
  readonly weakSlices: readonly WeakSliceTruth[];
  readonly bias: readonly BiasTruth[];
  readonly leak: (LeakPlant & { readonly feature: 'account_closed_flag'; readonly agreementWithLabel: number }) | null;
  /** Row ids whose recorded label differs from the clean label. */
  readonly flippedRowIds: readonly number[];
}

export interface CreditData {
  readonly table: Table;
  readonly schema: Schema;
  readonly groundTruth: CreditGroundTruth;
  /** Labels before planted flips (1 = repaid), for tests of label-noise methods. */
  readonly cleanLabels: Uint8Array;
}

export const CREDIT_FEATURES = [
  'age', 'gender', 'employment', 'income', 'loan_amount', 'loan_term_months', 'debt_to_income',
  'credit_history_years', 'num_late_payments', 'home_ownership', 'purpose', 'marketing_channel', 'account_closed_flag',
] as const;

const INFORMATIVE = ['income', 'debt_to_income', 'num_late_payments', 'credit_history_years', 'loan_amount', 'loan_term_months', 'employment', 'home_ownership'];

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

function validate(options: CreditOptions): Required<Omit<CreditOptions, 'plants'>> {
  const seed = options.seed ?? 0;
  const rows = options.rows ?? 10_000;
  const testFraction = options.testFraction ?? 0.3;
  const sharpness = options.sharpness ?? 2;
  const bad = (argument: string, message: string, hint: string): never => {
    throw new GlassboxError('invalid_argument', `generateCredit: ${argument} ${message}`, { argument, hint });
  };
  if (!Number.isInteger(seed)) bad('seed', `must be an integer (got ${seed})`, 'Pass e.g. { seed: 0 }.');
  if (!Number.isInteger(rows) || rows < 100) bad('rows', `must be an integer ≥ 100 (got ${rows})`, 'Pass e.g. { rows: 10000 }.');
  if (!(testFraction > 0 && testFraction < 1)) bad('testFraction', `must be in (0, 1) (got ${testFraction})`, 'Pass e.g. { testFraction: 0.3 }.');
  if (!(sharpness > 0)) bad('sharpness', `must be positive (got ${sharpness})`, 'Pass e.g. { sharpness: 2 }.');
  return { seed, rows, testFraction, sharpness };
}

function validatePlants(plants: CreditPlants): void {
  plants.weakSlices?.forEach((slice, i) => {
    if (!(slice.flipRate >= 0 && slice.flipRate <= 1)) {
      throw new GlassboxError('invalid_argument', `generateCredit: plants.weakSlices[${i}] ("${slice.name}") flipRate must be in [0, 1] (got ${slice.flipRate})`, { argument: `plants.weakSlices[${i}].flipRate`, hint: 'A flip rate of 0.4 flips 40% of the labels in the slice.' });
    }
    if (slice.predicates.length === 0) {
      throw new GlassboxError('invalid_argument', `generateCredit: plants.weakSlices[${i}] ("${slice.name}") has no predicates`, { argument: `plants.weakSlices[${i}].predicates`, hint: 'Give at least one { feature, op, value } condition.' });
    }
  });
  if (plants.leak && !(plants.leak.noise >= 0 && plants.leak.noise <= 0.5)) {
    throw new GlassboxError('invalid_argument', `generateCredit: plants.leak.noise must be in [0, 0.5] (got ${plants.leak.noise})`, { argument: 'plants.leak.noise', hint: '0.1 makes the leak agree with the clean label in 90% of rows.' });
  }
}

function cat(name: string, codes: Int32Array, categories: readonly string[]): Column {
  return { kind: 'categorical', name, codes, categories };
}

function featureColumns(f: CreditFeatures): Column[] {
  const num = (name: string, values: Float64Array): Column => ({ kind: 'numeric', name, values });
  const C = CREDIT_CATEGORIES;
  return [
    num('age', f.age), cat('gender', f.gender, C.gender), cat('employment', f.employment, C.employment),
    num('income', f.income), num('loan_amount', f.loan_amount), num('loan_term_months', f.loan_term_months),
    num('debt_to_income', f.debt_to_income), num('credit_history_years', f.credit_history_years),
    num('num_late_payments', f.num_late_payments), cat('home_ownership', f.home_ownership, C.home_ownership),
    cat('purpose', f.purpose, C.purpose), cat('marketing_channel', f.marketing_channel, C.marketing_channel),
    cat('region', f.region, C.region), cat('application_month', f.application_month, C.application_month),
  ];
}

/** Log-odds shift per row from the bias plants (validated against the feature table). */
function biasShifts(base: Table, bias: readonly BiasPlant[]): Float64Array {
  const shift = new Float64Array(base.nRows);
  bias.forEach((plant, i) => {
    const mask = matchPredicates(base, [{ feature: plant.attribute, op: '==', value: plant.group }], `plants.bias[${i}]`);
    for (let r = 0; r < base.nRows; r++) if (mask[r]) shift[r]! += plant.logitShift;
  });
  return shift;
}

/** Per-row flip probability: the largest flip rate among the matching weak slices. */
function flipRates(base: Table, slices: readonly WeakSlicePlant[]): { rate: Float64Array; masks: Uint8Array[] } {
  const rate = new Float64Array(base.nRows);
  const masks = slices.map((slice, i) => {
    const mask = matchPredicates(base, slice.predicates, `plants.weakSlices[${i}].predicates`);
    for (let r = 0; r < base.nRows; r++) if (mask[r] && slice.flipRate > rate[r]!) rate[r] = slice.flipRate;
    return mask;
  });
  return { rate, masks };
}

function positiveRates(base: Table, attribute: string, labels: Uint8Array): Record<string, number> {
  const column = base.columns.find((c) => c.name === attribute);
  const out: Record<string, number> = {};
  if (column?.kind !== 'categorical') return out;
  const pos = new Float64Array(column.categories.length);
  const tot = new Float64Array(column.categories.length);
  for (let r = 0; r < base.nRows; r++) {
    const code = column.codes[r]!;
    tot[code]! += 1;
    pos[code]! += labels[r]!;
  }
  column.categories.forEach((c, k) => (out[c] = tot[k]! > 0 ? pos[k]! / tot[k]! : Number.NaN));
  return out;
}

/**
 * Generates the synthetic credit-scoring table of the `credit` demo with planted, documented defects:
 * weak slices (label flips in predicate conjunctions), historical bias against a group of a protected
 * attribute, and a "Clever Hans" leak (`account_closed_flag`, derived from the clean label). Applicant
 * features, the clean label, the leak, the flips and the split each draw from their own stream of the
 * seed, so changing the plants never changes the other columns. Deterministic per seed.
 */
export function generateCredit(options: CreditOptions = {}): CreditData {
  const { seed, rows, testFraction, sharpness } = validate(options);
  const plants = options.plants ?? DEFAULT_CREDIT_PLANTS;
  validatePlants(plants);
  const master = new Rng(seed);
  const [featureRng, labelRng, leakRng, flipRng, splitRng] = [master.fork(), master.fork(), master.fork(), master.fork(), master.fork()];

  const f = sampleCreditFeatures(featureRng, rows);
  const rowIds = new Int32Array(rows).map((_, i) => i);
  const base: Table = { nRows: rows, columns: featureColumns(f), rowIds };
  const shift = biasShifts(base, plants.bias ?? []);
  const { rate, masks } = flipRates(base, plants.weakSlices ?? []);

  const clean = new Uint8Array(rows);
  const observed = new Uint8Array(rows);
  const leak = new Float64Array(rows);
  const isTest = new Int32Array(rows);
  const flipped: number[] = [];
  let leakAgree = 0;
  for (let i = 0; i < rows; i++) {
    clean[i] = labelRng.next() < sigmoid(sharpness * (creditScore(f, i) + shift[i]!)) ? 1 : 0;
    const flip = flipRng.next() < rate[i]!;
    observed[i] = flip ? 1 - clean[i]! : clean[i]!;
    if (flip) flipped.push(i);
    const u = leakRng.next();
    leak[i] = plants.leak ? (u < plants.leak.noise ? clean[i]! : 1 - clean[i]!) : u < 0.3 ? 1 : 0;
    if (leak[i] === 1 - observed[i]!) leakAgree++;
    isTest[i] = splitRng.next() < testFraction ? 1 : 0;
  }

  const columns: Column[] = [
    { kind: 'numeric', name: 'applicant_id', values: Float64Array.from(rowIds) },
    ...base.columns.slice(0, 12),
    { kind: 'numeric', name: 'account_closed_flag', values: leak },
    ...base.columns.slice(12),
    cat('repaid', Int32Array.from(observed), ['no', 'yes']),
    cat('split', isTest, ['train', 'test']),
  ];
  const table: Table = { nRows: rows, columns, rowIds, source: `credit demo (seed ${seed})` };

  const weakSlices: WeakSliceTruth[] = (plants.weakSlices ?? []).map((slice, s) => {
    const mask = masks[s]!;
    let n = 0, test = 0, flips = 0;
    for (let r = 0; r < rows; r++) {
      if (!mask[r]) continue;
      n++;
      test += isTest[r]!;
      flips += observed[r] !== clean[r] ? 1 : 0;
    }
    const rule = describePredicates(slice.predicates);
    return { ...slice, kind: slice.kind ?? 'subgroup', rule, description: slice.description ?? `Labels flipped at rate ${slice.flipRate} where ${rule}.`, rows: n, trainRows: n - test, testRows: test, flippedRows: flips };
  });
  const groundTruth: CreditGroundTruth = {
    generator: 'glassbox/credit',
    version: 1,
    seed, rows, testFraction, sharpness,
    target: { name: 'repaid', classes: ['no', 'yes'], positiveClass: 'yes' },
    informativeFeatures: INFORMATIVE,
    irrelevantFeatures: ['marketing_channel', ...(plants.bias ?? []).some((b) => b.attribute === 'gender') ? [] : ['gender']],
    weakSlices,
    bias: (plants.bias ?? []).map((b) => ({ ...b, positiveRate: positiveRates(base, b.attribute, observed) })),
    leak: plants.leak ? { ...plants.leak, feature: 'account_closed_flag', agreementWithLabel: leakAgree / rows } : null,
    flippedRowIds: flipped,
  };
  return { table, schema: creditSchema(), groundTruth, cleanLabels: clean };
}

/** The schema of the generated table: 13 model features, metadata, protected attributes, target and split. */
export function creditSchema(): Schema {
  const C = CREDIT_CATEGORIES;
  const categorical = new Map<string, readonly string[]>([
    ['gender', C.gender], ['employment', C.employment], ['home_ownership', C.home_ownership], ['purpose', C.purpose], ['marketing_channel', C.marketing_channel],
  ]);
  return {
    features: CREDIT_FEATURES.map((name) => {
      const categories = categorical.get(name);
      return categories ? { name, type: 'categorical' as const, categories } : { name, type: 'numeric' as const };
    }),
    target: { name: 'repaid', task: 'binary', classes: ['no', 'yes'], positiveClass: 'yes' },
    protected: [
      { name: 'gender', column: 'gender' },
      { name: 'age_group', column: 'age', edges: [25, 60], labels: ['<25', '25-59', '60+'] },
    ],
    metadata: ['region', 'application_month'],
    rowId: 'applicant_id',
    split: { column: 'split', testValue: 'test' },
    missing: 'error',
  };
}
