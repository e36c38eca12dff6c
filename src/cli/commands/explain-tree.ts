import type { Command } from 'commander';
import type { Table } from '../../data/table.js';
import type { Encoder, RawMatrix } from '../../encode/encoder.js';
import { rawMatrixFromTable } from '../../encode/raw-matrix.js';
import { GlassboxError } from '../../errors.js';
import type { Attribution, AttributionJson } from '../../explain/attribution.js';
import { attributionToJson } from '../../explain/attribution.js';
import { treeShapReportBlocks } from '../../explain/tree/charts.js';
import { treeShap } from '../../explain/tree-shap.js';
import type { TreeShapOptions } from '../../explain/tree-shap.js';
import { isTreeEnsemble } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import { pipeline } from '../../model/pipeline.js';
import type { ReportBlock } from '../../results/blocks.js';
import { parseChoice, parseIntegerFlag } from '../options.js';

/** Flags of `glassbox explain` that tree-shap reads (commander camel-cases them). */
export interface TreeShapFlags {
  output?: string;
  interactions?: boolean;
  algorithm?: string;
  threads?: string;
  backgroundRows?: string;
  /** Shared explain flags: the class to explain (name or index) and `--background n`. */
  target?: string;
  background?: string;
}

/** Adds tree-shap's flags to the lead's `explain` command. */
export function addTreeShapOptions(command: Command): Command {
  return command
    .option('--output <space>', "tree-shap: explain the 'margin' (log-odds) or the 'probability' (interventional only)", 'margin')
    .option('--interactions', 'tree-shap: add SHAP interaction values, an M×M matrix per row (path-dependent only)', false)
    .option('--algorithm <name>', "tree-shap: 'path-dependent' (default; needs no background) or 'interventional'")
    .option('--threads <n>', "tree-shap: 1, 2, … or 'auto'", 'auto')
    .option('--background-rows <n>', 'tree-shap interventional: training rows used as background (default 100, or --background n)');
}

/**
 * Which explanation method `glassbox explain` uses when none is named, and why: tree-shap (exact,
 * fast) for models exposing the tree-ensemble capability, kernel-shap (model-agnostic) otherwise.
 */
export function chooseExplainMethod(model: Model): { method: 'tree-shap' | 'kernel-shap'; reason: string } {
  if (isTreeEnsemble(model)) return { method: 'tree-shap', reason: 'the model is a tree ensemble, so exact TreeSHAP applies (no sampling, no background needed)' };
  return { method: 'kernel-shap', reason: 'the model exposes no trees or gradients that an exact method could use, so the model-agnostic KernelSHAP is used' };
}

/** Turns the CLI flags into tree-shap options, with named errors for bad combinations. */
export function treeShapOptionsFromFlags(flags: TreeShapFlags): TreeShapOptions {
  const output = parseChoice('--output', flags.output, ['margin', 'probability'] as const, 'margin');
  // probability output is only exact with a background: pick interventional unless told otherwise
  const algorithm = parseChoice('--algorithm', flags.algorithm, ['path-dependent', 'interventional'] as const, output === 'probability' ? 'interventional' : 'path-dependent');
  const threads = flags.threads === undefined || flags.threads === 'auto' ? 'auto' : parseIntegerFlag('--threads', flags.threads, 1);
  if (threads === 0) throw new GlassboxError('invalid_argument', '--threads must be at least 1 or "auto"', { argument: '--threads' });
  return { output, algorithm, interactions: flags.interactions === true, threads };
}

export interface TreeShapRun {
  readonly attribution: Attribution;
  /** The printable result: the same JSON shape as every explainer (interactions under extras). */
  readonly json: AttributionJson & { rowIds: number[] };
  /** Beeswarm and dependence plots for the report. */
  readonly blocks: ReportBlock[];
}

/**
 * Runs `glassbox explain --method tree-shap` on loaded inputs: `table` holds the rows to explain,
 * `train` (or `table`) supplies the interventional background (its first --background-rows rows).
 */
export async function runTreeShapCommand(
  inputs: { readonly model: Model; readonly encoder: Encoder; readonly table: Table; readonly train?: Table },
  flags: TreeShapFlags,
  context: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; background?: RawMatrix } = {},
): Promise<TreeShapRun> {
  const options = treeShapOptionsFromFlags(flags);
  const subject = pipeline(inputs.model, inputs.encoder);
  const x = rawMatrixFromTable(inputs.table, inputs.encoder.features);
  const target = flags.target === undefined ? undefined : parseTargetFlag(flags.target, inputs.model);
  const background = options.algorithm === 'interventional' ? (context.background ?? backgroundRows(inputs.train ?? inputs.table, inputs.encoder, backgroundCount(flags))) : undefined;
  const attribution = await treeShap(options).explain(subject, x, {
    ...(background ? { background } : {}),
    ...(target === undefined ? {} : { target }),
    ...(context.signal ? { signal: context.signal } : {}),
    ...(context.onProgress ? { onProgress: context.onProgress } : {}),
  });
  const blocks = treeShapReportBlocks(attribution, x);
  return { attribution, json: { ...attributionToJson(attribution), rowIds: Array.from(inputs.table.rowIds) }, blocks };
}

/** `--target`: a class name of the model, or an output-column index. */
export function parseTargetFlag(value: string, model: Model): number {
  const byName = model.classes.indexOf(value);
  if (byName >= 0) return byName;
  const index = Number(value);
  const width = model.outputWidth;
  if (Number.isInteger(index) && index >= 0 && index < width) return index;
  throw new GlassboxError('invalid_argument', `--target "${value}" is neither a class of the model (${model.classes.join(', ') || 'none: regression'}) nor an output index 0..${width - 1}`, { argument: '--target' });
}

/** Background size: --background-rows, else a numeric --background, else 100. */
function backgroundCount(flags: TreeShapFlags): number {
  if (flags.backgroundRows !== undefined) return parseIntegerFlag('--background-rows', flags.backgroundRows, 100);
  if (flags.background !== undefined && /^\d+$/.test(flags.background)) return Number(flags.background);
  if (flags.background !== undefined) throw new GlassboxError('invalid_argument', `--background "${flags.background}": pass a row count here, or load the file and hand it over as context.background`, { argument: '--background' });
  return 100;
}

function backgroundRows(table: Table, encoder: Encoder, n: number): RawMatrix {
  if (n < 1) throw new GlassboxError('invalid_argument', '--background-rows must be at least 1', { argument: '--background-rows', hint: 'e.g. --background-rows 100' });
  const raw = rawMatrixFromTable(table, encoder.features);
  const rows = Math.min(n, raw.nRows);
  return { data: raw.data.slice(0, rows * raw.nFeatures), nRows: rows, nFeatures: raw.nFeatures };
}
