import { throwIfAborted } from '../../errors.js';
import type { TreeEnsemble } from '../../model/trees/ir.js';
import { FastTreeShap } from './fast-shap.js';
import { InterventionalTreeShap } from './interventional.js';

export type TreeShapAlgorithm = 'path-dependent' | 'interventional';
export type TreeShapOutput = 'margin' | 'probability';

/** Everything one thread needs to compute TreeSHAP for a block of rows (structured-clone friendly). */
export interface TreeShapJob {
  readonly ensemble: TreeEnsemble;
  readonly algorithm: TreeShapAlgorithm;
  readonly output: TreeShapOutput;
  readonly interactions: boolean;
  /** Rows at the ensemble's input precision, row-major, nFeatures wide. */
  readonly rows: Float64Array;
  readonly nRows: number;
  /** Output group explained for each row. */
  readonly groups: Int32Array;
  readonly background?: Float64Array;
  readonly nBackground?: number;
  /** Rows per batch (progress and cancellation granularity). */
  readonly batchSize?: number;
}

/**
 * The result per row: `values` n × (M+1) (features then base value) and, with interactions,
 * `interactions` n × (M+1)², both in XGBoost's pred_contribs / pred_interactions layout.
 */
export interface TreeShapBlock {
  readonly values: Float64Array;
  readonly interactions?: Float64Array;
}

const engines = new WeakMap<TreeEnsemble, FastTreeShap>();

/**
 * The table-based engine for an ensemble, built once per ensemble (and rebuilt once with the
 * interaction tables when interactions are first asked for). Engines are used synchronously, so
 * sharing one per thread is safe.
 */
export function cachedEngine(e: TreeEnsemble, interactions: boolean): FastTreeShap {
  const cached = engines.get(e);
  if (cached && (!interactions || cached.tables.table2.length > 0 || cached.tables.leafNode.length === 0)) return cached;
  const engine = new FastTreeShap(e, { interactions });
  engines.set(e, engine);
  return engine;
}

/** Runs a TreeSHAP job on the current thread. Allocates its outputs once; the per-row work allocates nothing. */
export function runTreeShapJob(job: TreeShapJob, onProgress?: (done: number) => void, signal?: AbortSignal): TreeShapBlock {
  const e = job.ensemble;
  const m = e.nFeatures;
  const w = m + 1;
  const values = new Float64Array(job.nRows * w);
  const interactions = job.interactions ? new Float64Array(job.nRows * w * w) : undefined;
  const batch = Math.max(1, job.batchSize ?? 128);
  if (job.algorithm === 'interventional') {
    const engine = new InterventionalTreeShap(e, job.background ?? new Float64Array(0), job.nBackground ?? 0);
    for (let r = 0; r < job.nRows; r++) {
      if (r % batch === 0) {
        throwIfAborted(signal);
        if (r > 0) onProgress?.(r);
      }
      const g = job.groups[r]!;
      engine.rowContribs(job.rows, r * m, g, job.output, values, r * w);
      values[r * w + m] = engine.baseValue(g, job.output);
    }
    onProgress?.(job.nRows);
    throwIfAborted(signal); // cancelled during the last progress report: no result
    return { values };
  }
  const engine = cachedEngine(e, job.interactions);
  for (let start = 0; start < job.nRows; start += batch) {
    throwIfAborted(signal);
    const end = Math.min(job.nRows, start + batch);
    // split the batch into runs of equal group so each run is one batched call
    let runStart = start;
    for (let r = start + 1; r <= end; r++) {
      if (r < end && job.groups[r] === job.groups[runStart]) continue;
      const g = job.groups[runStart]!;
      if (interactions) {
        engine.interactionsBatch(job.rows, runStart * m, r - runStart, g, interactions, runStart * w * w);
        rowSums(interactions, values, runStart, r, w);
      } else {
        engine.contributionsBatch(job.rows, runStart * m, r - runStart, g, values, runStart * w);
      }
      runStart = r;
    }
    onProgress?.(end);
  }
  throwIfAborted(signal); // cancelled during the last progress report: no result
  return interactions ? { values, interactions } : { values };
}

/** φ_i = Σ_j Φ_ij (the diagonal holds φ_i minus the off-diagonal sum), bias = Φ_MM. */
function rowSums(interactions: Float64Array, values: Float64Array, from: number, to: number, w: number): void {
  for (let r = from; r < to; r++) {
    const o = r * w * w;
    for (let i = 0; i < w; i++) {
      let s = 0;
      for (let j = 0; j < w; j++) s += interactions[o + i * w + j]!;
      values[r * w + i] = s;
    }
  }
}
