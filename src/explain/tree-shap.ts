import { z } from 'zod';
import { GlassboxError, throwIfAborted } from '../errors.js';
import type { TreeEnsemble } from '../model/trees/ir.js';
import { marginsToOutputs, predictMargin, sigmoid } from '../model/trees/score.js';
import type { Attribution } from './attribution.js';
import type { ExplainContext, Explainer } from './explainer.js';
import { parseOptions } from './options.js';
import { resolveTarget } from './target.js';
import type { TreeShapBlock } from './tree/compute.js';
import { modelRows, resolveSubject } from './tree/inputs.js';
import type { ResolvedSubject, TreeInput, TreeSubject } from './tree/inputs.js';
import { resolveThreads, runTreeShapParallel } from './tree/parallel.js';

const METHOD = 'tree-shap';

const schema = z
  .object({
    /** 'path-dependent' (default, no background: cover-weighted, as XGBoost pred_contribs) or 'interventional'. */
    algorithm: z.enum(['path-dependent', 'interventional']).default('path-dependent'),
    /** 'margin' (log-odds for logistic models, default) or 'probability' (interventional only, as in shap). */
    output: z.enum(['margin', 'probability']).default('margin'),
    /** Also compute SHAP interaction values (path-dependent only), an M×M matrix per row. */
    interactions: z.boolean().default(false),
    /** Threads: 1 = this thread, n ≥ 2 = worker threads, 'auto' = 2 for large jobs. */
    threads: z.union([z.literal('auto'), z.number().int().min(1).max(64)]).default('auto'),
  })
  .strict();

export type TreeShapOptions = z.input<typeof schema>;
type Options = z.output<typeof schema>;

/**
 * Exact TreeSHAP for tree ensembles (Lundberg et al. 2020, "From local explanations to global
 * understanding with explainable AI for trees"): path-dependent (Algorithm 2, evaluated with
 * precomputed per-leaf tables in the spirit of Fast TreeSHAP v2, Yang 2021), interventional with a
 * background set, and SHAP interaction values. Margin output reproduces XGBoost's pred_contribs /
 * pred_interactions; probability output follows shap's interventional rescaling.
 */
export function treeShap(options: TreeShapOptions = {}): Explainer<TreeSubject, TreeInput> {
  const opts = parseOptions(METHOD, schema, options);
  if (opts.interactions && opts.algorithm !== 'path-dependent') {
    throw new GlassboxError('invalid_argument', `${METHOD}: interaction values are available for algorithm 'path-dependent' only`, { argument: 'interactions', hint: "Use algorithm: 'path-dependent' with output 'margin' for interactions." });
  }
  if (opts.output === 'probability' && opts.algorithm === 'path-dependent') {
    throw new GlassboxError('invalid_argument', `${METHOD}: output 'probability' needs algorithm 'interventional' (path-dependent TreeSHAP is exact only in margin space, as in shap)`, {
      argument: 'output',
      hint: "Pass algorithm: 'interventional' and a background set, or explain output 'margin' (log-odds).",
    });
  }
  return Object.freeze({
    method: METHOD,
    requires: ['tree-ensemble'] as const,
    properties: Object.freeze({ completeness: true, stochastic: false, access: 'trees', players: 'features' } as const),
    options: Object.freeze({ ...opts }),
    explain: (subject: TreeSubject, x: TreeInput, context: ExplainContext<TreeInput> = {}) => explainTrees(opts, subject, x, context),
  });
}

async function explainTrees(opts: Options, subject: TreeSubject, x: TreeInput, context: ExplainContext<TreeInput>): Promise<Attribution> {
  const resolved = resolveSubject(METHOD, subject);
  const e = resolved.ensemble;
  if (context.features !== undefined) {
    throw new GlassboxError('invalid_argument', `${METHOD} explains every feature at once; context.features is not supported`, { argument: 'features', hint: 'Omit features and select columns from the result.' });
  }
  checkOutput(e, opts);
  if (opts.algorithm === 'path-dependent' && !e.hasCover) {
    throw new GlassboxError('invalid_input', `${METHOD}: this ${e.format} model stores no node covers, which path-dependent TreeSHAP needs`, {
      argument: 'model',
      hint: "Use algorithm: 'interventional' with a background set, or attach covers from training rows with attachCovers(ensemble, rows).",
    });
  }
  const { rows, nRows } = modelRows(resolved, x, 'x');
  const background = opts.algorithm === 'interventional' ? requireBackground(resolved, context.background) : undefined;
  throwIfAborted(context.signal);
  const margins = predictMargin(e, rows, nRows);
  const outputs = marginsToOutputs(e, margins, nRows);
  const target = resolveTarget(context.target, outputs, nRows, resolved.model);
  const { groups, signs } = targetGroups(e, target);
  const m = e.nFeatures;
  const threads = resolveThreads(opts.threads, nRows * e.feature.length * (opts.interactions ? m : 1) * (background ? background.nRows : 1));
  const block = await runTreeShapParallel(
    { ensemble: e, algorithm: opts.algorithm, output: opts.output, interactions: opts.interactions, rows, nRows, groups, ...(background ? { background: background.rows, nBackground: background.nRows } : {}) },
    threads,
    { ...(context.signal ? { signal: context.signal } : {}), ...(context.onProgress ? { onProgress: context.onProgress } : {}) },
  );
  return assemble(opts, resolved, block, { margins, target, groups, signs, nRows });
}

function checkOutput(e: TreeEnsemble, opts: Options): void {
  if (opts.output !== 'probability') return;
  if (e.link === 'logistic' && e.nGroups === 1) return;
  if (e.link === 'identity' && e.task !== 'regression') return;
  throw new GlassboxError('invalid_argument', `${METHOD}: output 'probability' is supported for single-output logistic models; this model's link is ${e.link} with ${e.nGroups} output group(s)`, {
    argument: 'output',
    hint: e.link === 'softmax' ? "Explain output 'margin' (per-class log-odds) for multiclass softmax models." : "A regression model has no probability output; use output 'margin'.",
  });
}

function requireBackground(resolved: ResolvedSubject, background: TreeInput | undefined): { rows: Float64Array; nRows: number } {
  if (!background) {
    throw new GlassboxError('invalid_argument', `${METHOD}: algorithm 'interventional' needs a background set (context.background)`, { argument: 'background', hint: 'Pass 50–200 training rows as context.background.' });
  }
  return modelRows(resolved, background, 'background');
}

/** Maps output columns to the ensemble's output groups; a binary model's class 0 is the negated margin. */
function targetGroups(e: TreeEnsemble, target: Int32Array): { groups: Int32Array; signs: Int8Array } {
  const groups = new Int32Array(target.length);
  const signs = new Int8Array(target.length).fill(1);
  const singleBinary = e.task === 'binary' && e.nGroups === 1;
  for (let r = 0; r < target.length; r++) {
    const t = target[r]!;
    if (singleBinary) signs[r] = t === 1 ? 1 : -1;
    else groups[r] = t;
  }
  return { groups, signs };
}

/** The explained output: ±margin, or P(class) — for a single-score binary model, class 0 is 1 − P(class 1). */
function explainedOutput(e: TreeEnsemble, output: 'margin' | 'probability', margin: number, sign: number): number {
  if (output === 'margin') return sign * margin;
  const p = e.link === 'logistic' ? sigmoid(margin) : margin;
  return sign > 0 ? p : 1 - p;
}

function assemble(opts: Options, resolved: ResolvedSubject, block: TreeShapBlock, run: { margins: Float64Array; target: Int32Array; groups: Int32Array; signs: Int8Array; nRows: number }): Attribution {
  const e = resolved.ensemble;
  const m = e.nFeatures;
  const w = m + 1;
  const names = resolved.featureNames;
  const f = names.length;
  const map = resolved.columnToFeature;
  const { nRows, signs } = run;
  const values = new Float64Array(nRows * f);
  const baseValues = new Float64Array(nRows);
  const outputs = new Float64Array(nRows);
  const delta = new Float64Array(nRows);
  const probabilityNegated = opts.output === 'probability';
  for (let r = 0; r < nRows; r++) {
    const s = signs[r]!;
    let sum = 0;
    for (let j = 0; j < m; j++) {
      const v = s * block.values[r * w + j]!;
      values[r * f + map[j]!]! += v;
      sum += v;
    }
    const base = block.values[r * w + m]!;
    baseValues[r] = probabilityNegated && s < 0 ? 1 - base : s * base;
    outputs[r] = explainedOutput(e, opts.output, run.margins[r * e.nGroups + run.groups[r]!]!, s);
    delta[r] = sum - (outputs[r]! - baseValues[r]!);
  }
  const extras = block.interactions ? { interactions: { shape: [nRows, f, f], values: aggregateInteractions(block.interactions, nRows, w, f, map, signs) } } : undefined;
  return Object.freeze({
    method: METHOD,
    values,
    shape: [nRows, f],
    baseValues,
    outputs,
    featureNames: [...names],
    target: run.target,
    options: Object.freeze({ algorithm: opts.algorithm, output: opts.output, interactions: opts.interactions }),
    delta,
    ...(extras ? { extras } : {}),
  });
}

/** (M+1)² per row in XGBoost layout → F×F per row over reported features (bias row/column dropped). */
function aggregateInteractions(src: Float64Array, nRows: number, w: number, f: number, map: Int32Array, signs: Int8Array): number[] {
  const out = new Float64Array(nRows * f * f);
  const m = w - 1;
  for (let r = 0; r < nRows; r++) {
    const s = signs[r]!;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[r * f * f + map[i]! * f + map[j]!]! += s * src[r * w * w + i * w + j]!;
  }
  return Array.from(out);
}
