import type { Attribution } from '../../../explain/attribution.js';
import type { ExplainerProperties } from '../../../explain/explainer.js';
import { attributionBlocks, featureValues, type FeatureValues } from '../../../explain/charts.js';
import { indexText } from '../../../explain/text/tokens.js';
import { treeShapReportBlocks } from '../../../explain/tree/charts.js';
import type { Tensor } from '../../../model/tensor.js';
import type { ReportBlock } from '../../../results/blocks.js';
import type { ExplainFormat } from './flags.js';
import type { ExplainJob } from './job.js';

/**
 * The one printer of `glassbox explain`: JSON, a text table or a self-contained HTML page, for
 * every method and input. What differs between inputs is the job's layout (features, tensor,
 * tokens); method-specific text comes from the method's registry entry.
 */
export async function renderExplanation(format: ExplainFormat, job: ExplainJob, a: Attribution, options: RenderOptions): Promise<string> {
  if (format === 'json') return `${JSON.stringify(explainJson(job, a))}\n`;
  if (format === 'table') return `${job.methodChoice ? `method ${job.method.name}: ${job.methodChoice}\n` : ''}${explainTable(job, a, options)}`;
  const noun = job.layout.kind === 'tokens' ? 'documents' : job.layout.kind === 'tensor' && job.layout.x.shape.length === 4 ? 'images' : 'rows';
  const { renderBlocksPage } = await import('../../../report/html.js');
  return renderBlocksPage(`glassbox explain — ${a.method} (${job.rowIds.length} ${noun})`, await explainBlocks(job, a, options));
}

export interface RenderOptions {
  /** What the explainer declared: tree explainers get tree charts, gradient maps their sum. */
  readonly properties: ExplainerProperties;
  /** Images overlaid with their heatmap in HTML. */
  readonly heatmaps: number;
}

/** Per-row method extras printed beside the values (LIME's local model, superpixels, interactions). */
const PRINTED_EXTRAS = ['intercept', 'score', 'descriptions', 'segments', 'segmentWeights', 'interactions'] as const;

/**
 * The JSON: method, options and seed; the rows' ids, explained classes, outputs and base values;
 * values per row in the input's layout; stderr and completeness deltas where the method gives them.
 * Classes are printed by name for tabular rows and text, by output index for tensors.
 */
export function explainJson(job: ExplainJob, a: Attribution): Record<string, unknown> {
  const extras = (a.extras ?? {}) as Record<string, unknown>;
  const byName = job.layout.kind !== 'tensor';
  return {
    method: a.method,
    options: a.options,
    ...(a.seed === undefined ? {} : { seed: a.seed }),
    ...(job.methodChoice ? { methodChoice: job.methodChoice } : {}),
    ...job.header?.(),
    ...layoutFields(job, a),
    rowIds: job.rowIds,
    target: Array.from(a.target, (t) => (byName ? (job.classes[t] ?? t) : t)),
    outputs: Array.from(a.outputs),
    baseValues: Array.from(a.baseValues),
    values: perElementJson(job, a, a.values),
    ...(a.stderr ? { stderr: perElementJson(job, a, a.stderr) } : {}),
    ...(a.delta ? { delta: Array.from(a.delta) } : {}),
    ...Object.fromEntries(PRINTED_EXTRAS.filter((k) => extras[k] !== undefined).map((k) => [k, extraJson(k, extras[k], job)])),
  };
}

function layoutFields(job: ExplainJob, a: Attribution): Record<string, unknown> {
  if (job.layout.kind === 'features') return { featureNames: a.featureNames };
  if (job.layout.kind === 'tokens') return { tokens: tokensOf(a) };
  return { shape: [job.rowIds.length, ...inputShape(job.layout)] };
}

/** Values (or their standard errors) per row, laid out like the row's input. */
function perElementJson(job: ExplainJob, a: Attribution, values: Float64Array): unknown[] {
  const rows = job.rowIds.length;
  if (job.layout.kind === 'features') return rowsOf(values, rows).map((r) => Array.from(r));
  if (job.layout.kind === 'tokens') return tokenWeights(a, values, rows).map((w) => Array.from(w));
  const shape = inputShape(job.layout);
  return rowsOf(likeInput(values, job.layout), rows).map((r) => nest(r, shape));
}

function extraJson(key: (typeof PRINTED_EXTRAS)[number], value: unknown, job: ExplainJob): unknown {
  if (key === 'segments' && job.layout.kind === 'tensor') {
    const [, , h = 0, w = 0] = job.layout.x.shape;
    return (value as number[][]).map((s) => nest(Int32Array.from(s), [h, w]));
  }
  if (key === 'interactions') {
    const { shape, values } = value as { shape: number[]; values: ArrayLike<number> };
    const [rows = 0, m = 0] = shape;
    return Array.from({ length: rows }, (_, r) => Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => values[(r * m + i) * m + j]!)));
  }
  return value;
}

/** A row's shape as the input gave it: channels-last images as [H, W, C]. */
function inputShape(layout: { readonly x: Tensor; readonly channelsLast: boolean }): number[] {
  const [, c = 0, h = 0, w = 0] = layout.x.shape;
  return layout.channelsLast ? [h, w, c] : layout.x.shape.slice(1);
}

/**
 * Values per input element in the input's layout. Image values are per element of the
 * channels-first tensor the model saw, or one per pixel (LIME's superpixel weight), repeated over
 * channels; channels-last input gets them back channels-last.
 */
function likeInput(values: Float64Array, layout: { readonly x: Tensor; readonly channelsLast: boolean }): Float64Array {
  if (layout.x.shape.length !== 4) return values;
  const [n, c, h, w] = layout.x.shape as [number, number, number, number];
  const hw = h * w;
  const perPixel = values.length === n * hw;
  const out = new Float64Array(n * c * hw);
  for (let r = 0; r < n; r++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < hw; p++) {
        const v = perPixel ? values[r * hw + p]! : values[(r * c + ch) * hw + p]!;
        out[layout.channelsLast ? (r * hw + p) * c + ch : (r * c + ch) * hw + p] = v;
      }
    }
  }
  return out;
}

/** A flat row-major array as nested arrays of `shape`. */
export function nest(values: Float64Array | Float32Array | Int32Array, shape: readonly number[]): unknown {
  if (shape.length <= 1) return Array.from(values);
  const stride = values.length / shape[0]!;
  return Array.from({ length: shape[0]! }, (_, i) => nest(values.subarray(i * stride, (i + 1) * stride), shape.slice(1)));
}

function rowsOf(values: Float64Array, rows: number): Float64Array[] {
  const width = values.length / Math.max(1, rows);
  return Array.from({ length: rows }, (_, r) => values.subarray(r * width, (r + 1) * width));
}

/** Text: each document's players (distinct words for LIME, word positions for occlusion). */
function tokensOf(a: Attribution): string[][] {
  return (a.extras?.['tokens'] ?? []) as string[][];
}

/** Text: each document's weights (or their errors), one per player, without the padding up to the longest document. */
function tokenWeights(a: Attribution, values: Float64Array, rows: number): Float64Array[] {
  const tokens = tokensOf(a);
  return rowsOf(values, rows).map((r, i) => r.slice(0, tokens[i]?.length ?? 0));
}

// ---- table ----

function explainTable(job: ExplainJob, a: Attribution, options: RenderOptions): string {
  const lines = job.layout.kind === 'features' ? featureLines(job, a) : job.layout.kind === 'tokens' ? tokenLines(job, a) : tensorLines(job, a, options.properties);
  return `${lines.join('\n')}\n`;
}

function byMagnitude(values: ArrayLike<number>): number[] {
  return Array.from({ length: values.length }, (_, j) => j).sort((p, q) => Math.abs(values[q]!) - Math.abs(values[p]!));
}

const signed = (v: number, digits: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(digits)}`;

function featureLines(job: ExplainJob, a: Attribution): string[] {
  const values = rowsOf(a.values, job.rowIds.length);
  const stderr = a.stderr ? rowsOf(a.stderr, job.rowIds.length) : undefined;
  const descriptions = a.extras?.['descriptions'] as string[][] | undefined;
  return values.flatMap((row, r) => [
    `row ${job.rowIds[r]}: ${a.method} of ${job.classes[a.target[r]!] ?? 'output'} = ${a.outputs[r]!.toFixed(4)} (base ${a.baseValues[r]!.toFixed(4)})`,
    ...byMagnitude(row).map((j) => `  ${(descriptions?.[r]?.[j] ?? a.featureNames[j]!).padEnd(40)} ${signed(row[j]!, 4)}${stderr ? ` ± ${stderr[r]![j]!.toFixed(4)}` : ''}`),
  ]);
}

function tokenLines(job: ExplainJob, a: Attribution): string[] {
  const tokens = tokensOf(a);
  const extras = (a.extras ?? {}) as { intercept?: number[]; score?: number[] };
  return tokenWeights(a, a.values, job.rowIds.length).flatMap((weights, r) => [
    `${tokenHeader(job, a, r)}${extras.score ? ` (intercept ${extras.intercept?.[r]?.toFixed(4)}, local R² ${extras.score[r]?.toFixed(3)})` : ''}`,
    ...byMagnitude(weights).slice(0, 10).map((j) => `  ${tokens[r]![j]!.padEnd(24)} ${signed(weights[j]!, 4)}`),
  ]);
}

function tokenHeader(job: ExplainJob, a: Attribution, r: number): string {
  const label = job.labels ? `label ${job.classes[job.labels[r]!] ?? '?'}, ` : '';
  return `row ${job.rowIds[r]}: ${label}${a.method} of ${job.classes[a.target[r]!] ?? a.target[r]} = ${a.outputs[r]!.toFixed(4)}`;
}

function tensorLines(job: ExplainJob, a: Attribution, properties: ExplainerProperties): string[] {
  const extras = (a.extras ?? {}) as { segmentWeights?: number[][]; score?: number[] };
  return rowsOf(a.values, job.rowIds.length).map((row, r) => {
    const line = `row ${job.rowIds[r]}: ${a.method} of output ${a.target[r]} = ${a.outputs[r]!.toFixed(4)}`;
    const weights = extras.segmentWeights?.[r];
    if (weights) {
      const top = Array.from(weights.keys()).sort((p, q) => weights[q]! - weights[p]!).slice(0, 3);
      return `${line} ; ${weights.length} superpixels, top ${top.map((k) => `#${k} ${signed(weights[k]!, 4)}`).join(', ')}; score ${extras.score?.[r]?.toFixed(3)}`;
    }
    if (properties.access !== 'gradients') return line;
    const total = row.reduce((s, v) => s + v, 0);
    return `${line}; Σ attribution ${total.toFixed(4)}${a.delta ? `, completeness delta ${a.delta[r]!.toExponential(2)}` : ''}`;
  });
}

// ---- html ----

async function explainBlocks(job: ExplainJob, a: Attribution, options: RenderOptions): Promise<ReportBlock[]> {
  const intro: ReportBlock[] = job.method.intro ? [{ kind: 'text', markdown: job.method.intro(a) }] : [];
  if (job.layout.kind === 'features') return featureBlocks(job, a, job.layout.features ? featureValues(job.layout.x, job.layout.features) : job.layout.x, options.properties);
  if (job.layout.kind === 'tokens') return [...intro, ...tokenBlocks(job, a, job.layout.docs)];
  return [...intro, ...(await imageBlocks(job, a, job.layout.x, options))];
}

/** Tree explainers: beeswarm and dependence plots coloured by interactions; others a beeswarm and per-row waterfalls. */
function featureBlocks(job: ExplainJob, a: Attribution, x: FeatureValues, properties: ExplainerProperties): ReportBlock[] {
  if (properties.access === 'trees') return treeShapReportBlocks(a, x);
  return attributionBlocks(a, job.context.features ? undefined : x, { rows: 3, rowIds: job.rowIds });
}

/** Words shown per document in HTML. */
const SHOWN_WORDS = 400;

/** Highlighted text per document: every word with its player's weight (red towards the explained class, blue away). */
function tokenBlocks(job: ExplainJob, a: Attribution, docs: readonly string[]): ReportBlock[] {
  const tokens = tokensOf(a);
  const bow = a.method === 'lime-text';
  return tokenWeights(a, a.values, job.rowIds.length).map((weights, r) => {
    const indexed = indexText(docs[r]!, { bow });
    const shown: string[] = [];
    const shownWeights: number[] = [];
    indexed.pieces.forEach((piece, k) => {
      const player = indexed.playerOfPiece[k]!;
      if (player < 0 || shown.length >= SHOWN_WORDS) return;
      shown.push(piece);
      shownWeights.push(weights[player] ?? 0);
    });
    const top = byMagnitude(weights).slice(0, 6).map((j) => `${tokens[r]![j]} (${signed(weights[j]!, 3)})`);
    return { kind: 'highlighted-text', caption: `${tokenHeader(job, a, r)}; strongest words: ${top.join(', ')}`, tokens: shown, weights: shownWeights };
  });
}

/** PNG overlays of the first --heatmaps images (none for tensors that are not images). */
async function imageBlocks(job: ExplainJob, a: Attribution, x: Tensor, options: RenderOptions): Promise<ReportBlock[]> {
  if (x.shape.length !== 4) return [];
  const { heatmapOverlayPng } = await import('../../../explain/gradients/heatmap.js');
  const [, c, h, w] = x.shape as [number, number, number, number];
  const size = c * h * w;
  const values = rowsOf(a.values, job.rowIds.length);
  const extras = (a.extras ?? {}) as { segmentWeights?: number[][]; score?: number[] };
  const probabilities = options.properties.access === 'model-agnostic';
  const blocks: ReportBlock[] = [];
  for (let r = 0; r < Math.min(options.heatmaps, job.rowIds.length); r++) {
    const png = await heatmapOverlayPng(x.data.subarray(r * size, (r + 1) * size), values[r]!, [c, h, w], { mode: job.method.heatmap ?? 'signed' });
    const segments = extras.segmentWeights?.[r]?.length;
    const lime = segments ? `, ${segments} superpixels, local R² ${extras.score?.[r]?.toFixed(3)}` : '';
    blocks.push({ kind: 'image', caption: `row ${job.rowIds[r]}: ${a.method}, class ${job.classes[a.target[r]!] ?? a.target[r]}, ${probabilities ? 'p' : 'output'} = ${a.outputs[r]!.toFixed(3)}${lime}`, pngBase64: png });
  }
  return blocks;
}
