import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../../data/npy.js';
import type { Table } from '../../../data/table.js';
import { GlassboxError } from '../../../errors.js';
import { writeFileAtomic } from '../../../io/atomic-write.js';
import { loadModel } from '../../../model/load-model.js';
import { gatherRows, type Tensor } from '../../../model/tensor.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { imageGeometry } from '../../../robust/corruptions/corrupt.js';
import { corruptionRobustness, type RobustnessResult } from '../../../robust/corruptions/evaluate.js';
import { REGIMES, type Regime } from '../../../robust/corruptions/params.js';
import { gridPng, imagePngBase64 } from '../../../robust/corruptions/preview.js';
import { accuracyChartBlock, robustnessTables } from '../../../robust/corruptions/report.js';
import { CORRUPTION_FAMILIES, CORRUPTION_NAMES, type CorruptionName, type Severity } from '../../../robust/corruptions/types.js';
import { loadInputs } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag, parseList, selectDemoRows, selectRows } from '../../options.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';

export interface RobustnessFlags {
  demo?: string;
  model?: string;
  data?: string;
  labels?: string;
  corruptions?: string;
  severities?: string;
  preset?: string;
  baselineModel?: string;
  rows?: string;
  seed?: string;
  save?: string;
  format?: string;
  quiet?: boolean;
}

/** Examples per corruption in the --save grids and in the HTML grid. */
const SAVED_EXAMPLES = 8;

/** `--corruptions all | noise | fog,snow`: names in the paper's order. */
export function parseCorruptions(value: string | undefined): CorruptionName[] {
  const items = parseList(value ?? 'all');
  if (items.length === 0 || items.includes('all')) return [...CORRUPTION_NAMES];
  const chosen = new Set<CorruptionName>();
  for (const item of items) {
    const family = CORRUPTION_NAMES.filter((n) => CORRUPTION_FAMILIES[n] === item);
    if (family.length > 0) family.forEach((n) => chosen.add(n));
    else if ((CORRUPTION_NAMES as readonly string[]).includes(item)) chosen.add(item as CorruptionName);
    else throw new GlassboxError('invalid_argument', `--corruptions: "${item}" is not a corruption or family.`, { argument: '--corruptions', hint: `Use all, noise, blur, weather, digital or names from: ${CORRUPTION_NAMES.join(', ')}.` });
  }
  return CORRUPTION_NAMES.filter((n) => chosen.has(n));
}

export function parseSeverities(value: string | undefined): Severity[] {
  const items = parseList(value ?? '1,2,3,4,5');
  const out = items.map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v < 1 || v > 5) throw new GlassboxError('invalid_argument', `--severities: "${s}" is not a severity 1–5.`, { argument: '--severities', hint: 'e.g. --severities 1,3,5' });
    return v as Severity;
  });
  if (out.length === 0) throw new GlassboxError('invalid_argument', '--severities names no severity.', { argument: '--severities', hint: 'e.g. --severities 1,2,3,4,5' });
  return [...new Set(out)].sort((a, b) => a - b);
}

/** `glassbox robustness`: corrupt the images, score them, print accuracy per setting and mCE. */
export async function runRobustness(flags: RobustnessFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const corruptions = parseCorruptions(flags.corruptions);
  const severities = parseSeverities(flags.severities);
  const preset = parseChoice('--preset', flags.preset, ['auto', ...REGIMES] as const, 'auto') as Regime | 'auto';
  const seed = parseIntegerFlag('--seed', flags.seed, 0);
  if (flags.demo && flags.demo !== 'digits') throw new GlassboxError('invalid_argument', `--demo ${flags.demo} is not an image demo; robustness to image corruptions needs images.`, { argument: '--demo', hint: 'Use --demo digits, or --data images/ --model M.' });
  if (!flags.demo && flags.data && !flags.data.endsWith('.npy') && /\.(csv|parquet|jsonl|arrow|tsv)$/i.test(flags.data)) {
    throw new GlassboxError('invalid_argument', `${flags.data} is tabular; glassbox robustness corrupts images.`, { argument: '--data', hint: 'Pass a folder of images or a .npy tensor; for tabular models use glassbox invariance.' });
  }
  const inputs = await loadInputs({ ...(flags.demo ? { demo: flags.demo } : {}), ...(flags.data ? { data: flags.data } : {}), ...(flags.model ? { model: flags.model } : {}), ...(flags.labels ? { labels: flags.labels } : {}) }, { seed: 0 });
  const baseline = flags.baselineModel ? await loadModel(flags.baselineModel) : undefined;
  try {
    if (!inputs.x) throw new GlassboxError('invalid_argument', 'glassbox robustness needs image input.', { argument: '--data' });
    // a demo has no input file: --rows counts its audited (test) images, as in explain and attack
    const rows = flags.demo ? selectDemoRows(inputs.table.nRows, flags.rows) : selectRows(inputs.table, flags.rows);
    const x = gatherRows(inputs.x, rows);
    const labels = labelCodes(inputs.table, rows);
    const rowIds = Array.from(rows, (i) => inputs.table.rowIds[i]!);
    const g = imageGeometry(x);
    const progress = createProgress({ quiet: flags.quiet === true || format === 'json' });
    const examples = Array.from({ length: Math.min(SAVED_EXAMPLES, g.n) }, (_, i) => i);
    const kept = new Map<CorruptionName, Tensor[]>();
    if (flags.save) mkdirSync(flags.save, { recursive: true });
    const result = await corruptionRobustness(inputs.model, x, labels, {
      corruptions,
      severities,
      seed,
      regime: preset,
      ...(baseline ? { baseline } : {}),
      groups: sliceGroups(inputs.table, rows),
      onProgress: (done, total, label) => progress.update(done, total, label),
      onCorrupted: (name, severity, images) => {
        kept.set(name, [...(kept.get(name) ?? []), gatherRows(images, Int32Array.from(examples))]);
        if (flags.save) writeNpy(join(flags.save, `${name}_s${severity}.npy`), images.data, images.shape);
      },
    });
    progress.stop();
    const preview = gatherRows(x, Int32Array.from(examples));
    if (flags.save) {
      for (const [name, tensors] of kept) {
        const png = await gridPng(examples.map((r) => [{ x: preview, row: r }, ...tensors.map((t) => ({ x: t, row: r }))]), { ...g, n: examples.length });
        await writeFileAtomic(join(flags.save, `${name}.png`), png);
      }
    }
    if (format === 'json') {
      process.stdout.write(`${JSON.stringify({ version: 1, rowIds, ...toJson(result, rowIds), ...(flags.save ? { saved: flags.save } : {}) }, null, 2)}\n`);
      return;
    }
    const blocks: ReportBlock[] = [accuracyChartBlock(result), ...robustnessTables(result)];
    if (format === 'html') blocks.push(await exampleGrid(preview, kept, severities, rowIds[0]!));
    process.stdout.write(await renderBlocks(format, 'glassbox robustness', blocks));
  } finally {
    await inputs.model.dispose?.();
    await baseline?.dispose?.();
  }
}

function toJson(r: RobustnessResult, rowIds: readonly number[]): Record<string, unknown> {
  const perClass = (v: readonly (number | null)[]): Record<string, number | null> => Object.fromEntries(v.map((a, k) => [r.classes[k] ?? String(k), a]));
  return {
    method: r.method,
    seed: r.seed,
    preset: r.regime,
    layout: r.layout,
    n: r.n,
    clean: { accuracy: r.clean.accuracy, correct: r.clean.correct, interval: r.clean.interval, perClass: perClass(r.clean.perClass), ...(r.clean.baselineAccuracy !== undefined ? { baselineAccuracy: r.clean.baselineAccuracy } : {}) },
    corruptions: r.corruptions.map(({ flippedRows, ...s }) => ({ ...s, perClass: perClass(s.perClass), flippedRowIds: flippedRows.map((i) => rowIds[i]!) })),
    ce: r.ce,
    mCE: r.mCE,
    relativeMCE: r.relativeMCE,
    normalised: r.normalised,
    perClass: r.perClass,
    perSlice: r.perSlice,
  };
}

/** One row per corruption: the first image clean, then at each severity. */
async function exampleGrid(preview: Tensor, kept: Map<CorruptionName, Tensor[]>, severities: readonly Severity[], firstRow: number): Promise<ReportBlock> {
  const clean = await imagePngBase64(preview, 0);
  const rows = [];
  for (const [name, tensors] of kept) rows.push({ title: `${name} · row ${firstRow}`, images: [clean, ...(await Promise.all(tensors.map((t) => imagePngBase64(t, 0))))] });
  return { kind: 'image-grid', caption: 'The first image clean and under each corruption at each severity (click to enlarge)', columns: ['clean', ...severities.map((s) => `severity ${s}`)], rows };
}

function labelCodes(table: Table, rows: Int32Array): Int32Array {
  const column = table.columns.find((c) => c.name === 'label');
  if (!column || column.kind !== 'categorical') throw new GlassboxError('invalid_argument', 'The images carry no labels.', { argument: '--labels', hint: 'Put the images in one subfolder per class, or pass --labels y.npy.' });
  return Int32Array.from(rows, (r) => column.codes[r]!);
}

/** Numeric metadata (brightness, contrast, ink) in quartiles, as slices for per-slice corruption error. */
function sliceGroups(table: Table, rows: Int32Array): { name: string; codes: Int32Array; categories: string[] }[] {
  const out: { name: string; codes: Int32Array; categories: string[] }[] = [];
  for (const column of table.columns) {
    if (column.kind !== 'numeric' || column.name === 'image_id') continue;
    const values = Float64Array.from(rows, (r) => column.values[r]!);
    const sorted = Float64Array.from(values).sort();
    const cuts = [0.25, 0.5, 0.75].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
    const codes = Int32Array.from(values, (v) => (v <= cuts[0]! ? 0 : v <= cuts[1]! ? 1 : v <= cuts[2]! ? 2 : 3));
    const f = (v: number): string => v.toPrecision(3);
    out.push({ name: column.name, codes, categories: [`≤ ${f(cuts[0]!)}`, `${f(cuts[0]!)}–${f(cuts[1]!)}`, `${f(cuts[1]!)}–${f(cuts[2]!)}`, `> ${f(cuts[2]!)}`] });
  }
  return out;
}

