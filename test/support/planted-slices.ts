import { Rng } from '../../src/rng.js';
import type { Column, Table } from '../../src/data/table.js';

/**
 * Ground-truth generators for slice discovery: seeded tables with weak slices planted where a simulated
 * model errs more often, plus the label and score columns a user would pass with `--predictions`.
 *
 * The plants are 2- and 3-way conjunctions (categorical and numeric predicates) and numeric ranges whose
 * edges are drawn uniformly on the value scale, so they never sit on quantile-bin edges. Columns mix
 * feature types: categoricals with 2–7 levels, uniform, normal, log-normal (skewed), integer-valued
 * (many ties) and numeric columns with missing values.
 */
export interface PlantedOptions {
  readonly seed: number;
  readonly rows: number;
  /** Categorical columns (default 6). */
  readonly categorical?: number;
  /** Numeric columns (default 6). */
  readonly numeric?: number;
  /** Error rate outside the plants. */
  readonly baseError: number;
  /** Extra error rate inside a plant, drawn per plant in [min, max]. */
  readonly lift: readonly [number, number];
  /** Kinds of planted slices (empty: a null dataset). */
  readonly plants: readonly PlantKind[];
  /** Width of planted numeric ranges as a share of the column's rows, drawn in [min, max] (default [0.08, 0.25]). */
  readonly rangeShare?: readonly [number, number];
  /** Whether one numeric type has 10% missing values (default true; the CLI refuses missing cells without a policy). */
  readonly missing?: boolean;
}

/**
 * and2: two categories; and2num: a category and a numeric threshold; and3: three categories; and3num: two
 * categories and a numeric range; range: one numeric range; rangeAnd: a numeric range and a category.
 */
export type PlantKind = 'and2' | 'and2num' | 'and3' | 'and3num' | 'range' | 'rangeAnd';

export interface Plant {
  readonly name: string;
  readonly kind: PlantKind;
  readonly mask: Uint8Array;
  /** The numeric column and value interval of the plant's range predicate, if it has one. */
  readonly range?: { readonly column: string; readonly low: number; readonly high: number };
}

export interface PlantedData {
  readonly table: Table;
  /** The simulated model's 0/1 errors. */
  readonly errors: Float64Array;
  readonly labels: Int32Array;
  /** P(positive) of the simulated model: ≥ 0.5 exactly when it predicts positive. */
  readonly scores: Float64Array;
  readonly plants: readonly Plant[];
  /** Names of the feature columns (not the label or score). */
  readonly features: readonly string[];
}

type NumericKind = 'uniform' | 'normal' | 'lognormal' | 'integer' | 'missing';
const NUMERIC_KINDS: readonly NumericKind[] = ['uniform', 'normal', 'lognormal', 'integer', 'missing'];

function numericValues(kind: NumericKind, rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => {
    switch (kind) {
      case 'uniform': return rng.next() * 100;
      case 'normal': return 50 + 15 * rng.normal();
      case 'lognormal': return Math.exp(3 + 0.8 * rng.normal());
      case 'integer': return Math.floor(rng.next() * 60);
      case 'missing': return rng.next() < 0.1 ? Number.NaN : rng.next() * 10;
    }
  });
}

/** The empirical value at share q of the finite values (for placing plants by share, not on bin edges). */
function valueAt(sorted: Float64Array, q: number): number {
  const k = Math.min(sorted.length - 1, Math.max(0, Math.floor(q * sorted.length)));
  return sorted[k]!;
}

interface Columns {
  readonly cats: Int32Array[];
  readonly levels: number[];
  readonly nums: Float64Array[];
  readonly sorted: Float64Array[];
  readonly numKinds: NumericKind[];
}

function makeColumns(rng: Rng, n: number, nCat: number, nNum: number, missing: boolean): { columns: Column[]; cols: Columns } {
  const kinds = missing ? NUMERIC_KINDS : NUMERIC_KINDS.filter((k) => k !== 'missing');
  const columns: Column[] = [];
  const cols: Columns = { cats: [], levels: [], nums: [], sorted: [], numKinds: [] };
  for (let j = 0; j < nCat; j++) {
    const levels = 2 + ((j * 3 + rng.int(3)) % 6);
    // Unequal level frequencies (a Zipf-like mix), as real categoricals have.
    const weights = Array.from({ length: levels }, (_, k) => 1 / (1 + 0.5 * k));
    const total = weights.reduce((a, b) => a + b, 0);
    const codes = Int32Array.from({ length: n }, () => {
      let u = rng.next() * total;
      for (let k = 0; k < levels; k++) if ((u -= weights[k]!) < 0) return k;
      return levels - 1;
    });
    cols.cats.push(codes);
    cols.levels.push(levels);
    columns.push({ kind: 'categorical', name: `c${j}`, codes, categories: Array.from({ length: levels }, (_, k) => `v${k}`) });
  }
  for (let j = 0; j < nNum; j++) {
    const kind = kinds[(j + rng.int(2)) % kinds.length]!;
    const values = numericValues(kind, rng, n);
    cols.nums.push(values);
    cols.sorted.push(Float64Array.from(values.filter((v) => Number.isFinite(v))).sort());
    cols.numKinds.push(kind);
    columns.push({ kind: 'numeric', name: `x${j}`, values });
  }
  return { columns, cols };
}

/** Planting state: which columns are still free (each plant uses its own columns). */
class Planter {
  private readonly catOrder: Int32Array;
  private readonly numOrder: Int32Array;
  private nextCat = 0;
  private nextNum = 0;

  constructor(private readonly rng: Rng, private readonly cols: Columns, private readonly n: number, private readonly rangeShare: readonly [number, number]) {
    this.catOrder = rng.permutation(cols.cats.length);
    this.numOrder = rng.permutation(cols.nums.length);
  }

  /** A free categorical column and one of its three most frequent levels (the most frequent with `common`). */
  category(common = false): { name: string; test: (i: number) => boolean } {
    const j = this.catOrder[this.nextCat++];
    if (j === undefined) throw new Error('planted-slices: not enough categorical columns for the plants');
    const level = common ? 0 : this.rng.int(Math.min(3, this.cols.levels[j]!));
    const codes = this.cols.cats[j]!;
    return { name: `c${j}=v${level}`, test: (i) => codes[i] === level };
  }

  /** A free numeric column and an interval of it holding a share of rows in `share`, edges at arbitrary values. */
  range(share: readonly [number, number], open: boolean): { name: string; test: (i: number) => boolean; range: Plant['range'] } {
    const j = this.numOrder[this.nextNum++];
    if (j === undefined) throw new Error('planted-slices: not enough numeric columns for the plants');
    const sorted = this.cols.sorted[j]!;
    const width = share[0] + this.rng.next() * (share[1] - share[0]);
    const values = this.cols.nums[j]!;
    if (open) {
      const upper = this.rng.next() < 0.5;
      const t = valueAt(sorted, upper ? 1 - width : width) + 1e-9;
      const low = upper ? t : -Infinity;
      const high = upper ? Infinity : t;
      return { name: `x${j}${upper ? ' >= ' : ' < '}${t.toPrecision(4)}`, test: (i) => values[i]! >= low && values[i]! < high, range: { column: `x${j}`, low, high } };
    }
    const start = 0.05 + this.rng.next() * (0.9 - width);
    const low = valueAt(sorted, start) + 1e-9;
    const high = valueAt(sorted, start + width) + 1e-9;
    return { name: `x${j} in [${low.toPrecision(4)}, ${high.toPrecision(4)})`, test: (i) => values[i]! >= low && values[i]! < high, range: { column: `x${j}`, low, high } };
  }

  plant(kind: PlantKind): Omit<Plant, 'mask'> & { test: (i: number) => boolean } {
    const parts: { name: string; test: (i: number) => boolean; range?: Plant['range'] }[] = [];
    switch (kind) {
      case 'and2': parts.push(this.category(), this.category()); break;
      case 'and3': parts.push(this.category(true), this.category(true), this.category(true)); break;
      case 'and2num': parts.push(this.category(), this.range([0.3, 0.5], true)); break;
      case 'and3num': parts.push(this.category(true), this.category(true), this.range([0.3, 0.5], false)); break;
      case 'range': parts.push(this.range(this.rangeShare, false)); break;
      case 'rangeAnd': parts.push(this.range([0.2, 0.35], false), this.category()); break;
    }
    const range = parts.find((p) => p.range)?.range;
    return { name: parts.map((p) => p.name).join(' & '), kind, test: (i) => parts.every((p) => p.test(i)), ...(range ? { range } : {}) };
  }

  mask(test: (i: number) => boolean): Uint8Array {
    return Uint8Array.from({ length: this.n }, (_, i) => (test(i) ? 1 : 0));
  }
}

/** A seeded table with planted weak slices, the simulated model's errors, labels and scores. */
export function plantedData(options: PlantedOptions): PlantedData {
  const n = options.rows;
  const rng = new Rng(options.seed);
  const { columns, cols } = makeColumns(rng, n, options.categorical ?? 6, options.numeric ?? 6, options.missing ?? true);
  const planter = new Planter(rng, cols, n, options.rangeShare ?? [0.08, 0.25]);
  const plants: Plant[] = [];
  const lifts: number[] = [];
  for (const kind of options.plants) {
    const { test, ...plant } = planter.plant(kind);
    plants.push({ ...plant, mask: planter.mask(test) });
    lifts.push(options.lift[0] + rng.next() * (options.lift[1] - options.lift[0]));
  }
  const errors = new Float64Array(n);
  const labels = new Int32Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let p = options.baseError;
    plants.forEach((plant, k) => {
      if (plant.mask[i]) p = Math.max(p, options.baseError + lifts[k]!);
    });
    const wrong = rng.next() < p;
    labels[i] = rng.next() < 0.3 ? 1 : 0;
    const decision = wrong ? 1 - labels[i]! : labels[i]!;
    // Scores are sharper when the model is right, as a trained model's are.
    const margin = 0.5 * (wrong ? rng.next() : Math.sqrt(rng.next()));
    scores[i] = decision ? Math.min(1, 0.5 + margin) : Math.max(0, 0.5 - margin - 1e-6);
    errors[i] = wrong ? 1 : 0;
  }
  const features = columns.map((c) => c.name);
  columns.push({ kind: 'numeric', name: 'score', values: scores });
  columns.push({ kind: 'categorical', name: 'label', codes: labels, categories: ['0', '1'] });
  return { table: { nRows: n, columns, rowIds: Int32Array.from({ length: n }, (_, i) => i) }, errors, labels, scores, plants, features };
}

export interface Evaluation {
  /** Share of plants matched by a reported slice (row Jaccard ≥ 0.5). */
  readonly recall: number;
  /** Share of reported slices with < 50% of their rows inside any plant (1 per slice on a null dataset). */
  readonly fdp: number;
  /** Best row Jaccard of each matched plant with a numeric range predicate. */
  readonly rangeJaccards: readonly number[];
  readonly found: number;
}

/** Scores reported slices (as row masks) against the plants. */
export function evaluateSlices(plants: readonly Plant[], reported: readonly Uint8Array[]): Evaluation {
  const count = (m: Uint8Array): number => m.reduce((a, v) => a + v, 0);
  const both = (a: Uint8Array, b: Uint8Array): number => {
    let k = 0;
    for (let i = 0; i < a.length; i++) k += a[i]! & b[i]!;
    return k;
  };
  const jaccard = (a: Uint8Array, b: Uint8Array): number => {
    const k = both(a, b);
    return k / (count(a) + count(b) - k);
  };
  let recalled = 0;
  const rangeJaccards: number[] = [];
  for (const plant of plants) {
    const best = Math.max(0, ...reported.map((r) => jaccard(plant.mask, r)));
    if (best >= 0.5) {
      recalled++;
      if (plant.range) rangeJaccards.push(best);
    }
  }
  const falses = reported.filter((r) => plants.every((p) => both(r, p.mask) / count(r) < 0.5)).length;
  return { recall: plants.length ? recalled / plants.length : 1, fdp: reported.length ? falses / reported.length : 0, rangeJaccards, found: reported.length };
}

/** A named generator configuration. */
export interface Scenario extends Omit<PlantedOptions, 'seed'> {
  readonly name: string;
}

/**
 * The scenarios the evaluation runs: different sizes, feature mixes, base error rates, effect sizes and
 * plant kinds, plus null datasets (no plant: every reported slice is a false discovery).
 */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'mixed 20k', rows: 20000, baseError: 0.1, lift: [0.25, 0.4], plants: ['and2', 'and3', 'range', 'and2num'] },
  { name: 'ranges 20k', rows: 20000, numeric: 8, baseError: 0.12, lift: [0.2, 0.35], plants: ['range', 'range', 'rangeAnd', 'and3num'], rangeShare: [0.1, 0.14] },
  { name: 'low base 10k', rows: 10000, categorical: 8, numeric: 4, baseError: 0.04, lift: [0.15, 0.3], plants: ['and2', 'and3', 'range'] },
  { name: 'high base 50k', rows: 50000, categorical: 8, numeric: 8, baseError: 0.25, lift: [0.2, 0.3], plants: ['and3', 'and3num', 'range', 'rangeAnd', 'and2'] },
  { name: 'small 5k', rows: 5000, categorical: 5, numeric: 5, baseError: 0.1, lift: [0.3, 0.45], plants: ['and2', 'range', 'and2num'], rangeShare: [0.12, 0.2] },
  { name: 'weak 30k wide', rows: 30000, categorical: 10, numeric: 10, baseError: 0.15, lift: [0.12, 0.2], plants: ['and2', 'and3', 'range', 'rangeAnd', 'and2num'] },
  { name: 'narrow ranges 40k', rows: 40000, numeric: 8, baseError: 0.08, lift: [0.2, 0.3], plants: ['range', 'range', 'range'], rangeShare: [0.05, 0.09] },
  { name: 'null 20k', rows: 20000, baseError: 0.15, lift: [0, 0], plants: [] },
  { name: 'null 5k wide', rows: 5000, categorical: 10, numeric: 10, baseError: 0.3, lift: [0, 0], plants: [] },
];

/** The table as CSV text (features, then score and label), as a user would hand it to `glassbox slices`. */
export function plantedCsv(data: PlantedData): string {
  const cols = data.table.columns;
  const lines = [cols.map((c) => c.name).join(',')];
  for (let i = 0; i < data.table.nRows; i++) {
    lines.push(cols.map((c) => {
      if (c.kind === 'numeric') return Number.isNaN(c.values[i]!) ? '' : String(c.values[i]);
      if (c.kind === 'categorical') return c.categories[c.codes[i]!] ?? '';
      return c.values[i] ?? '';
    }).join(','));
  }
  return `${lines.join('\n')}\n`;
}
