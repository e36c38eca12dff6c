import type { Command } from 'commander';
import type { Schema } from '../../data/schema.js';
import { takeRows } from '../../data/table.js';
import type { Table } from '../../data/table.js';
import type { Encoder, RawMatrix } from '../../encode/encoder.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { GlassboxError } from '../../errors.js';
import type { Attribution } from '../../explain/attribution.js';
import { attributionBlocks } from '../../explain/charts.js';
import { exactShapley } from '../../explain/exact-shapley.js';
import type { ExplainContext, Explainer } from '../../explain/explainer.js';
import { kernelShap } from '../../explain/kernel-shap.js';
import { limeTabular } from '../../explain/lime/tabular.js';
import { occlusion } from '../../explain/occlusion.js';
import { permutationShapley } from '../../explain/permutation-shapley.js';
import type { Model } from '../../model/model.js';
import { pipeline } from '../../model/pipeline.js';
import type { Pipeline } from '../../model/pipeline.js';
import type { ReportBlock } from '../../results/blocks.js';
import { renderBlocksPage } from '../../report/html.js';
import { loadInputs, loadMoreRows } from '../load-inputs.js';
import type { InputFlags } from '../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseRowRange } from '../options.js';
import { addTreeShapOptions, chooseExplainMethod, runTreeShapCommand } from './explain-tree.js';
import type { TreeShapFlags } from './explain-tree.js';
import { addGradientOptions, GRADIENT_METHODS, type GradientFlags } from './explain-gradients.js';
import { runGradientExplainCommand } from './explain-gradient-run.js';
import { runImageAgnosticExplain } from './explain-image-agnostic.js';
import { parseTarget, resolveExplainRoute } from './explain-mode.js';
import { runTextExplain } from './explain-text.js';

export interface ExplainFlags extends InputFlags, TreeShapFlags, Omit<GradientFlags, 'target' | 'method' | 'samples' | 'seed'> {
  method?: string;
  rows?: string;
  background?: string;
  features?: string;
  samples?: string;
  seed?: string;
  format?: string;
  /** LIME on images: quickshift (default) or slic, and SLIC's superpixel count. */
  segmentation?: string;
  segments?: string;
  /** Occlusion on images (square window, pixels) or text (words). */
  window?: string;
  stride?: string;
}

/** What every explain handler receives: the loaded inputs, the rows to explain and the flags. */
export interface ExplainRun {
  readonly model: Model;
  readonly encoder: Encoder;
  readonly schema: Schema;
  /** Rows to explain (after --rows). */
  readonly table: Table;
  readonly train?: Table;
  readonly flags: ExplainFlags;
  readonly signal?: AbortSignal;
}

/** A handler's result: the attribution, extra JSON fields, and report blocks for --format html. */
export interface ExplainOutput {
  readonly attribution: Attribution;
  readonly extra?: Record<string, unknown>;
  readonly blocks: readonly ReportBlock[];
}

export type ExplainHandler = (run: ExplainRun) => Promise<ExplainOutput>;

/**
 * Method → handler. Model-agnostic tabular methods share one handler; tree-shap comes from
 * explain-tree.ts. Gradient methods (explain-gradients.ts) are added here by name when they exist.
 */
export const explainHandlers: Readonly<Record<string, ExplainHandler>> = {
  'exact-shapley': (run) => agnostic(run, () => exactShapley(), 'shapley'),
  'kernel-shap': (run) => agnostic(run, () => kernelShap({ samples: samplesFlag(run.flags, 'auto'), seed: seedFlag(run.flags) }), 'shapley'),
  'permutation-shapley': (run) => agnostic(run, () => permutationShapley({ maxEvals: numberFlag(run.flags.samples, '--samples', 500), seed: seedFlag(run.flags) }), 'shapley'),
  lime: (run) => agnostic(run, () => limeTabular({ samples: numberFlag(run.flags.samples, '--samples', 5000), seed: seedFlag(run.flags) }), 'training'),
  occlusion: (run) => agnostic(run, () => occlusion(), 'shapley'),
  'tree-shap': async (run) => {
    // a --background FILE is loaded here (with the schema) and handed over; a row count is read by the helper
    const file = run.flags.background !== undefined && !/^\d+$/.test(run.flags.background) ? await loadBackground(run, 'shapley') : undefined;
    const result = await runTreeShapCommand({ model: run.model, encoder: run.encoder, table: run.table, ...(run.train ? { train: run.train } : {}) }, run.flags, { ...(run.signal ? { signal: run.signal } : {}), ...(file ? { background: file } : {}) });
    return { attribution: result.attribution, blocks: result.blocks };
  },
};

/** `glassbox explain`: local attributions for rows of a data file, as JSON, a text table or HTML. */
export function registerExplainCommand(program: Command): void {
  const command = program
    .command('explain')
    .description('Explain the model’s outputs for rows of a data file, images or texts (Shapley values, LIME, occlusion, TreeSHAP, gradients).')
    .option('--model <file>', 'the model file or endpoint')
    .option('--data <file>', 'rows to explain: CSV, Parquet, JSONL or Arrow; or images: a folder of PNG/JPEG or a .npy tensor')
    .option('--demo <name>', 'use a built-in demo instead of --data/--model (credit: tabular, digits: images, spam: text)')
    .option('--schema <file>', 'schema JSON')
    .option('--preprocess <file>', 'encoder spec JSON from raw columns to the model input')
    .option('--text-encoder <file>', 'text models: the bag-of-words encoder JSON saved with the model (the data then holds one text column)')
    .option('--method <name>', `one of ${[...Object.keys(explainHandlers), ...GRADIENT_METHODS].join(', ')}; lime and occlusion also explain images and text (default: tree-shap for tree models, kernel-shap for other tabular models, lime for images and text)`)
    .option('--rows <a:b>', 'explain rows a (inclusive) to b (exclusive) of the audited rows (default: the first 10)')
    .option('--background <file|n>', 'background rows: a data file, or the first n training rows (default 100; LIME uses every training row)')
    .option('--features <list>', 'comma-separated feature names or indices to explain; the others stay at the row’s values')
    .option('--samples <n>', 'coalitions (kernel-shap), evaluations (permutation-shapley) or perturbations (lime; default 5000, images 1000)')
    .option('--segmentation <kind>', 'lime on images: superpixels by quickshift (default) or slic')
    .option('--segments <n>', 'lime on images with --segmentation slic: number of superpixels (default 100)')
    .option('--window <n>', 'occlusion on images: square window in pixels (default 4); on text: words hidden together (default 1)')
    .option('--stride <n>', 'occlusion on images: step between windows in pixels (default 2); on text: in words (default 1)')
    .option('--seed <n>', 'seed of every random choice', '0')
    .option('--target <class>', 'class to explain, by name or index; image, text and gradient methods also take predicted or label (default: the positive class, or the predicted class)')
    .option('--format <format>', 'json, table or html', 'json');
  addGradientOptions(addTreeShapOptions(command)).action(async (flags: ExplainFlags, cmd: Command) => {
    // only typed flags count: every parser has its own default, and a flag given to a method it does not apply to is an error
    const given = Object.fromEntries(Object.entries(flags).filter(([key]) => cmd.getOptionValueSource(key) !== 'default')) as ExplainFlags;
    process.stdout.write(await runExplain(given));
  });
}

/** Runs the explain command end to end and returns what it prints. */
export async function runExplain(flags: ExplainFlags, signal?: AbortSignal): Promise<string> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
  const route = resolveExplainRoute(flags);
  if (route.route === 'gradient') return runGradientExplainCommand(flags, format);
  if (route.route === 'image') return runImageAgnosticExplain(flags, route.method, format, route.reason, signal);
  if (route.route === 'text') return runTextExplain(flags, route.method, format, route.reason, signal);
  // --target names the class to explain here, not the label column.
  const { target: _class, ...inputFlags } = flags;
  const inputs = await loadInputs(inputFlags, { seed: seedFlag(flags), requireLabels: false });
  if (!inputs.encoder) throw new GlassboxError('invalid_argument', 'glassbox explain explains tabular models: pass --preprocess or a schema the encoder can be fitted from', { argument: '--preprocess' });
  const chosen = flags.method === undefined ? chooseExplainMethod(inputs.model) : undefined;
  const method = flags.method ?? chosen!.method;
  const handler = explainHandlers[method];
  if (!handler) throw new GlassboxError('invalid_argument', `--method must be one of ${Object.keys(explainHandlers).join(', ')}; got "${method}"`, { argument: '--method' });
  const [start, end] = flags.rows === undefined ? [0, Math.min(10, inputs.table.nRows)] : parseRowRange(flags.rows, inputs.table.nRows);
  const table = takeRows(inputs.table, Int32Array.from({ length: end - start }, (_, i) => start + i));
  const output = await handler({ model: inputs.model, encoder: inputs.encoder, schema: inputs.schema, table, ...(inputs.train ? { train: inputs.train } : {}), flags, ...(signal ? { signal } : {}) });
  const json = { ...explainJson(output, table, inputs.model), ...(chosen ? { methodChoice: chosen.reason } : {}) };
  if (format === 'json') return `${JSON.stringify(json)}\n`;
  if (format === 'table') return `${chosen ? `method ${chosen.method}: ${chosen.reason}\n` : ''}${explainTable(output.attribution, table, inputs.model)}`;
  return explainHtml(output, table);
}

async function agnostic(run: ExplainRun, make: () => Explainer<Pipeline, RawMatrix>, backgroundKind: 'shapley' | 'training'): Promise<ExplainOutput> {
  const pipe = pipeline(run.model, run.encoder);
  const x = rawMatrixFromTable(run.table, run.encoder.features);
  const background = await loadBackground(run, backgroundKind);
  const context: ExplainContext<RawMatrix> = {
    background,
    ...(run.flags.features ? { features: parseFeatures(run.flags.features, run.encoder) } : {}),
    ...(run.flags.target !== undefined ? { target: parseTarget(run.flags.target, run.model) } : {}),
    ...(run.signal ? { signal: run.signal } : {}),
  };
  const attribution = await make().explain(pipe, x, context);
  return { attribution, blocks: attributionBlocks(attribution, context.features ? undefined : x, { rows: 3 }) };
}

async function loadBackground(run: ExplainRun, kind: 'shapley' | 'training'): Promise<RawMatrix> {
  const source = run.train ?? run.table;
  const flag = run.flags.background;
  if (flag !== undefined && !/^\d+$/.test(flag)) {
    const table = await loadMoreRows(flag, run, run.flags);
    return rawMatrixFromTable(table, run.encoder.features);
  }
  const raw = rawMatrixFromTable(source, run.encoder.features);
  const n = flag === undefined ? (kind === 'training' ? raw.nRows : 100) : parseIntegerFlag('--background', flag, 100);
  if (n < 1) throw new GlassboxError('invalid_argument', '--background must name a file or a row count ≥ 1', { argument: '--background' });
  const rows = Math.min(n, raw.nRows);
  return { data: raw.data.slice(0, rows * raw.nFeatures), nRows: rows, nFeatures: raw.nFeatures };
}

export function parseFeatures(list: string, encoder: Encoder): number[] {
  const names = encoder.features.map((f) => f.name);
  return list.split(',').map((item) => {
    const name = item.trim();
    const index = /^\d+$/.test(name) ? Number(name) : names.indexOf(name);
    if (index < 0 || index >= names.length) throw new GlassboxError('invalid_argument', `--features: "${name}" is not a feature (known: ${names.join(', ')})`, { argument: '--features', hint: 'Use feature names from the schema or 0-based indices.' });
    return index;
  });
}

function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  return parseIntegerFlag(flag, value, fallback);
}

function samplesFlag(flags: ExplainFlags, fallback: 'auto'): number | 'auto' {
  return flags.samples === undefined ? fallback : parseIntegerFlag('--samples', flags.samples, 0);
}

function seedFlag(flags: ExplainFlags): number {
  return parseIntegerFlag('--seed', flags.seed, 0);
}

/** The issue's JSON shape: values/stderr as row arrays, LIME's intercept/score/descriptions on top. */
export function explainJson(output: ExplainOutput, table: Table, model: Model): Record<string, unknown> {
  const a = output.attribution;
  const rows = a.shape[0] ?? 0;
  const width = a.values.length / Math.max(1, rows);
  const matrix = (v: Float64Array): number[][] => Array.from({ length: rows }, (_, r) => Array.from(v.subarray(r * width, (r + 1) * width)));
  const extras = (a.extras ?? {}) as Record<string, unknown>;
  return {
    method: a.method,
    options: a.options,
    ...(a.seed === undefined ? {} : { seed: a.seed }),
    featureNames: a.featureNames,
    rowIds: Array.from(table.rowIds),
    target: Array.from(a.target, (t) => model.classes[t] ?? t),
    outputs: Array.from(a.outputs),
    baseValues: Array.from(a.baseValues),
    values: matrix(a.values),
    ...(a.stderr ? { stderr: matrix(a.stderr) } : {}),
    ...(a.delta ? { delta: Array.from(a.delta) } : {}),
    ...(a.method === 'lime' ? { intercept: extras['intercept'], score: extras['score'], descriptions: extras['descriptions'] } : {}),
    ...(extras['interactions'] ? { interactions: interactionsJson(extras['interactions'] as { shape: number[]; values: ArrayLike<number> }) } : {}),
    ...(output.extra ?? {}),
  };
}

function explainTable(a: Attribution, table: Table, model: Model): string {
  const rows = a.shape[0] ?? 0;
  const width = a.featureNames.length;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    lines.push(`row ${table.rowIds[r]}: ${a.method} of ${model.classes[a.target[r]!] ?? 'output'} = ${a.outputs[r]!.toFixed(4)} (base ${a.baseValues[r]!.toFixed(4)})`);
    const order = Array.from({ length: width }, (_, j) => j).sort((p, q) => Math.abs(a.values[r * width + q]!) - Math.abs(a.values[r * width + p]!));
    const descriptions = (a.extras?.['descriptions'] as string[][] | undefined)?.[r];
    for (const j of order) {
      const v = a.values[r * width + j]!;
      const se = a.stderr ? ` ± ${a.stderr[r * width + j]!.toFixed(4)}` : '';
      lines.push(`  ${(descriptions?.[j] ?? a.featureNames[j]!).padEnd(40)} ${v >= 0 ? '+' : ''}${v.toFixed(4)}${se}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function explainHtml(output: ExplainOutput, table: Table): Promise<string> {
  return renderBlocksPage(`glassbox explain — ${output.attribution.method} (${table.nRows} rows)`, output.blocks);
}

/** Interaction values as number[rows][features][features]. */
function interactionsJson(interactions: { shape: number[]; values: ArrayLike<number> }): number[][][] {
  const [rows = 0, m = 0] = interactions.shape;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => interactions.values[(r * m + i) * m + j]!)));
}
