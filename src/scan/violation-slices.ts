import type { Predicate } from '../data/predicate.js';
import type { Schema } from '../data/schema.js';
import { takeRows, type Table } from '../data/table.js';
import { wilsonInterval } from '../math/stats/wilson.js';
import type { RowOutcomes } from '../robust/invariance/types.js';
import { discoverSlices } from '../slice/discover.js';

/** Where an invariance test's violations concentrate: a slice of the tested rows and its violation rate. */
export interface ViolationSlice {
  readonly description: string;
  readonly predicates: readonly Predicate[];
  readonly n: number;
  readonly violationRate: number;
  readonly interval: { readonly low: number; readonly high: number; readonly level: number; readonly method: string };
  /** Violation rate of the tested rows outside the slice. */
  readonly restRate: number;
  readonly pValue: number;
  readonly qValue: number;
  /** 0-based data rows of the input file. */
  readonly examples: readonly number[];
}

export interface ViolationSlices {
  readonly slices: readonly ViolationSlice[];
  /** Why no slice search ran (too few violations, no tabular columns), when it did not. */
  readonly note?: string;
}

/** Fewer violations than this, and a slice search has nothing to find. */
export const MIN_VIOLATIONS_FOR_SLICES = 10;

/**
 * Slices where an invariance test's violations concentrate: glassbox's slice search (FDR-controlled
 * beam search over conjunctions of up to 2 conditions, see slice/discover.ts) run on the 0/1 violation
 * indicator of the tested rows, over the schema's numeric and categorical features and metadata
 * columns (text models: their metadata, e.g. the spam demo's source group). A slice is kept only when
 * its violation rate's Wilson interval lies above the overall rate. The label and split columns are
 * never slice features.
 */
export function violationSlices(table: Table, schema: Schema, outcomes: RowOutcomes, options: { seed: number; level: number; signal?: AbortSignal }): ViolationSlices {
  const tested: number[] = [];
  for (let i = 0; i < outcomes.tested.length; i++) if (outcomes.tested[i]) tested.push(i);
  const metric = Float64Array.from(tested, (i) => outcomes.violated[i]!);
  const violations = metric.reduce((a, b) => a + b, 0);
  if (violations < MIN_VIOLATIONS_FOR_SLICES) return { slices: [], note: `${violations} violation(s): too few to search for slices (at least ${MIN_VIOLATIONS_FOR_SLICES}).` };
  if (violations === tested.length) return { slices: [], note: 'Every tested row violates: there is nothing to concentrate.' };
  const kinds = new Set(['numeric', 'categorical']);
  const names = [...schema.features.filter((f) => kinds.has(f.type)).map((f) => f.name), ...(schema.metadata ?? [])];
  const rows = takeRows(table, tested);
  const columns = names.filter((name) => rows.columns.some((c) => c.name === name && c.kind !== 'text'));
  if (columns.length === 0) return { slices: [], note: 'The data has no numeric or categorical column to slice on.' };
  const overall = violations / tested.length;
  const discovery = discoverSlices(rows, columns, metric, {
    maxOrder: 2,
    fdr: 1 - options.level,
    minEffect: 0.02,
    seed: options.seed,
    level: options.level,
    maxSlices: 5,
    outcomes: { label: schema.target?.name, split: schema.split?.column },
    admit: (c) => wilsonInterval(c.sum, c.n, options.level).low > overall,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    slices: discovery.slices.map((s) => ({
      description: s.description,
      predicates: s.predicates,
      n: s.n,
      violationRate: s.metric,
      interval: s.interval,
      restRate: s.restMetric,
      pValue: s.pValue,
      qValue: s.qValue,
      examples: s.examples.map((k) => rows.rowIds[k]!),
    })),
    ...(discovery.slices.length === 0 ? { note: `No slice's violation rate is significantly above the overall ${overall.toFixed(3)} (${discovery.tested} slices tested, FDR ${(1 - options.level).toFixed(2)}).` } : {}),
  };
}
