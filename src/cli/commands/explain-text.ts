import { labelsOf } from '../../data/schema-helpers.js';
import { findColumn, takeRows } from '../../data/table.js';
import type { Table } from '../../data/table.js';
import { GlassboxError } from '../../errors.js';
import type { Attribution } from '../../explain/attribution.js';
import type { Explainer, TargetSelector } from '../../explain/explainer.js';
import type { TextClassifier } from '../../explain/text/classifier.js';
import { limeText } from '../../explain/text/lime-text.js';
import { textOcclusion } from '../../explain/text/occlusion-text.js';
import { indexText } from '../../explain/text/tokens.js';
import type { ReportBlock } from '../../results/blocks.js';
import { renderBlocksPage } from '../../report/html.js';
import { loadInputs } from '../load-inputs.js';
import { parseIntegerFlag, parseRowRange } from '../options.js';
import type { ExplainFlags } from './explain.js';
import { parseTarget, positiveFlag } from './explain-mode.js';

/** Documents explained when --rows is not given, and words shown per document in HTML. */
const DEFAULT_TEXT_ROWS = 10;
const SHOWN_WORDS = 400;

interface TextRun {
  readonly classifier: TextClassifier;
  readonly docs: readonly string[];
  readonly table: Table;
  readonly labels?: Int32Array;
}

/**
 * `glassbox explain --demo spam | --model M --text-encoder E --data D --method lime|occlusion`: word attributions for the documents of a
 * text model. LIME (`limeText`, lime's LimeTextExplainer: bag of words, cosine kernel of width 25)
 * or word-window occlusion (`textOcclusion`). Text models come from the built-in demos today (the
 * same TextClassifier the scan uses); JSON gives each row's tokens and one weight per token.
 */
export async function runTextExplain(flags: ExplainFlags, method: 'lime' | 'occlusion', format: 'json' | 'table' | 'html', reason?: string, signal?: AbortSignal): Promise<string> {
  const explainer = textExplainer(method, flags);
  const run = await loadTextRun(flags);
  const target = textTarget(flags.target, run);
  const a = await explainer.explain(run.classifier, run.docs, { ...(target === undefined ? {} : { target }), ...(signal ? { signal } : {}) });
  const rows = textRows(a, run);
  if (format === 'html') return renderBlocksPage(`glassbox explain — ${a.method} (${run.docs.length} documents)`, textBlocks(a, run, rows, method === 'lime'));
  if (format === 'table') return textTable(a, run, rows);
  const extras = (a.extras ?? {}) as { intercept?: number[]; score?: number[] };
  return `${JSON.stringify({
    method: a.method,
    options: a.options,
    ...(a.seed === undefined ? {} : { seed: a.seed }),
    ...(reason ? { methodChoice: reason } : {}),
    rowIds: Array.from(run.table.rowIds),
    target: Array.from(a.target, (t) => run.classifier.classes[t] ?? t),
    ...(run.labels ? { labels: Array.from(run.labels, (l) => run.classifier.classes[l] ?? null) } : {}),
    outputs: Array.from(a.outputs),
    baseValues: Array.from(a.baseValues),
    tokens: rows.map((r) => r.tokens),
    values: rows.map((r) => Array.from(r.weights)),
    ...(a.method === 'lime-text' ? { intercept: extras.intercept, score: extras.score } : {}),
  })}\n`;
}

/** The explainer for --method and its flags; flag errors surface before the demo loads. */
export function textExplainer(method: 'lime' | 'occlusion', flags: ExplainFlags): Explainer<TextClassifier, readonly string[]> {
  if (method === 'lime') return limeText({ samples: positiveFlag('--samples', flags.samples, 5000, 2), seed: parseIntegerFlag('--seed', flags.seed, 0) });
  return textOcclusion({ window: positiveFlag('--window', flags.window, 1), stride: positiveFlag('--stride', flags.stride, 1), baseline: flags.baseline ?? '' });
}

async function loadTextRun(flags: ExplainFlags): Promise<TextRun> {
  // the demo is the standard (seed 0) one: --seed seeds the explanation, not the demo's data
  const pick = <K extends 'demo' | 'data' | 'model' | 'schema' | 'target' | 'textEncoder' | 'delimiter'>(key: K) => (flags[key] === undefined ? {} : { [key]: flags[key] });
  const inputs = await loadInputs({ ...pick('demo'), ...pick('data'), ...pick('model'), ...pick('schema'), ...pick('target'), ...pick('textEncoder'), ...pick('delimiter') }, { seed: 0, requireLabels: false });
  if (!inputs.text) {
    throw new GlassboxError('invalid_argument', 'This input has no text model: text explanations run on a model that scores raw strings.', { argument: '--demo', hint: 'Use --demo spam, or --model MODEL --text-encoder text-encoder.json --data texts.csv.' });
  }
  const [start, end] = flags.rows === undefined ? [0, Math.min(DEFAULT_TEXT_ROWS, inputs.table.nRows)] : parseRowRange(flags.rows, inputs.table.nRows);
  const table = takeRows(inputs.table, Int32Array.from({ length: end - start }, (_, i) => start + i));
  const column = findColumn(table, inputs.text.column);
  if (column?.kind !== 'text') throw new GlassboxError('schema_mismatch', `The text column "${inputs.text.column}" is missing.`, { column: inputs.text.column });
  const target = inputs.schema.target;
  const labels = target && target.task !== 'regression' ? labelsOf(table, inputs.schema) : undefined;
  return { classifier: inputs.text.classifier, docs: column.values, table, ...(labels ? { labels } : {}) };
}

/** --target CLASS | INDEX | predicted | label; the default is the positive class (binary) or the predicted class. */
function textTarget(value: string | undefined, run: TextRun): TargetSelector | undefined {
  if (value === undefined) return undefined;
  if (value === 'predicted') return 'predicted';
  if (value === 'label') {
    if (!run.labels || run.labels.some((l) => l < 0)) throw new GlassboxError('invalid_argument', '--target label needs a label for every explained row.', { argument: '--target', hint: 'Use --target predicted or a class name.' });
    return run.labels;
  }
  return parseTarget(value, run.classifier);
}

interface TextRow {
  readonly tokens: string[];
  readonly weights: Float64Array;
}

/** Each document's players (distinct words for LIME, word positions for occlusion) and their weights, without padding. */
function textRows(a: Attribution, run: TextRun): TextRow[] {
  const width = a.shape[1] ?? 0;
  const tokens = (a.extras?.['tokens'] ?? []) as string[][];
  return run.docs.map((_, r) => {
    const own = tokens[r] ?? [];
    return { tokens: own, weights: a.values.slice(r * width, r * width + own.length) };
  });
}

function topTokens(row: TextRow, k: number): number[] {
  return Array.from(row.weights.keys()).sort((p, q) => Math.abs(row.weights[q]!) - Math.abs(row.weights[p]!)).slice(0, k);
}

function header(a: Attribution, run: TextRun, r: number): string {
  const classes = run.classifier.classes;
  const label = run.labels ? `label ${classes[run.labels[r]!] ?? '?'}, ` : '';
  return `row ${run.table.rowIds[r]}: ${label}${a.method} of ${classes[a.target[r]!] ?? a.target[r]} = ${a.outputs[r]!.toFixed(4)}`;
}

function textTable(a: Attribution, run: TextRun, rows: readonly TextRow[]): string {
  const extras = (a.extras ?? {}) as { intercept?: number[]; score?: number[] };
  const lines: string[] = [];
  rows.forEach((row, r) => {
    const lime = extras.score ? ` (intercept ${extras.intercept?.[r]?.toFixed(4)}, local R² ${extras.score[r]?.toFixed(3)})` : '';
    lines.push(`${header(a, run, r)}${lime}`);
    for (const j of topTokens(row, 10)) lines.push(`  ${row.tokens[j]!.padEnd(24)} ${row.weights[j]! >= 0 ? '+' : ''}${row.weights[j]!.toFixed(4)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Highlighted text per document: every word with its player's weight (red towards the explained class, blue away). */
function textBlocks(a: Attribution, run: TextRun, rows: readonly TextRow[], bow: boolean): ReportBlock[] {
  const intro = a.method === 'lime-text'
    ? `LIME for text (${(a.options as { samples?: number }).samples} perturbations per document, seed ${a.seed}): red words pushed towards the explained class, blue words away.`
    : `Word occlusion (window ${(a.options as { window?: number }).window}, stride ${(a.options as { stride?: number }).stride}): red words, when removed, lower the explained class’s probability.`;
  const blocks: ReportBlock[] = [{ kind: 'text', markdown: intro }];
  rows.forEach((row, r) => {
    const indexed = indexText(run.docs[r]!, { bow });
    const tokens: string[] = [];
    const weights: number[] = [];
    indexed.pieces.forEach((piece, k) => {
      const player = indexed.playerOfPiece[k]!;
      if (player < 0 || tokens.length >= SHOWN_WORDS) return;
      tokens.push(piece);
      weights.push(row.weights[player] ?? 0);
    });
    const top = topTokens(row, 6).map((j) => `${row.tokens[j]} (${row.weights[j]! >= 0 ? '+' : ''}${row.weights[j]!.toFixed(3)})`);
    blocks.push({ kind: 'highlighted-text', caption: `${header(a, run, r)}; strongest words: ${top.join(', ')}`, tokens, weights });
  });
  return blocks;
}
