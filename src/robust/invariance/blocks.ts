import type { ReportBlock } from '../../results/blocks.js';
import type { ExampleInput, InvarianceExample, InvarianceReport, InvarianceTestResult, OutputSummary } from './types.js';

/** A slice as the report shows it (computed by the caller: the scan or the CLI). */
export interface SliceRow {
  readonly description: string;
  readonly n: number;
  readonly violationRate: number;
  readonly interval: { readonly low: number; readonly high: number };
  readonly restRate: number;
  readonly qValue: number;
}

const r4 = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : Number(x.toFixed(4)));

/** The summary table: one row per test with its violation rate and Wilson interval. */
export function summaryTable(report: InvarianceReport): ReportBlock {
  const level = Math.round(report.confidence * 100);
  return {
    kind: 'table',
    caption: `Violation rate per test (${level}% Wilson interval over test cases; n = rows the perturbation changed, or MFT cases)`,
    columns: ['test', 'kind', 'n', 'violations', 'rate', 'CI low', 'CI high', 'tolerance', 'note'],
    rows: report.tests.map((t) => [t.name, t.kind.toUpperCase(), t.n, t.violations, r4(t.violationRate), r4(t.interval?.low), r4(t.interval?.high), r4(t.tolerance), t.note ?? null]),
  };
}

/** A Vega-Lite bar chart of violation rates with their intervals (tests with n > 0). */
export function rateChart(report: InvarianceReport): ReportBlock {
  const values = report.tests.filter((t) => t.violationRate !== null).map((t) => ({ test: t.name, rate: t.violationRate, low: t.interval!.low, high: t.interval!.high }));
  return {
    kind: 'chart',
    caption: `Violation rate per test with ${Math.round(report.confidence * 100)}% Wilson intervals`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      data: { values },
      width: 420,
      height: { step: 18 },
      layer: [
        { mark: { type: 'bar', color: '#d62728' }, encoding: { y: { field: 'test', type: 'nominal', sort: null, title: null }, x: { field: 'rate', type: 'quantitative', title: 'violation rate', scale: { domainMin: 0 } } } },
        { mark: { type: 'rule', color: 'black' }, encoding: { y: { field: 'test', type: 'nominal', sort: null }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
    },
  };
}

const show = (v: ExampleInput | undefined): string => (v === undefined ? '' : typeof v === 'string' ? v : Object.entries(v).map(([k, x]) => `${k}=${x === null ? 'missing' : String(x)}`).join(', '));
const out = (o: OutputSummary | undefined): string => (o === undefined ? '' : `${String(o.predicted)} (${o.score})`);

/** Examples of a tabular test (or an MFT test) as a table: original vs perturbed, with the outputs. */
export function examplesTable(t: InvarianceTestResult): ReportBlock {
  const mft = t.kind === 'mft';
  const watched = mft ? 'predicted (P)' : 'output (watched score)';
  return {
    kind: 'table',
    caption: `${t.name}: worst ${mft ? 'failing cases' : 'violations'} (${mft ? '1 − P(expected)' : 'change in the watched score'} largest first)`,
    columns: mft ? ['case', 'expected', watched, '1 − P(expected)'] : ['row', 'original', 'perturbed', `before: ${watched}`, `after: ${watched}`, 'change'],
    rows: t.examples.map((e) => (mft ? [show(e.perturbed), e.expected ?? '', out(e.after), e.change] : [e.rowId, show(e.original), show(e.perturbed), out(e.before), out(e.after), e.change])),
  };
}

/** Tokens (split at whitespace) of both texts and the span of perturbed tokens that differ (common prefix and suffix removed). */
export function changedSpan(original: string, perturbed: string): { a: string[]; b: string[]; start: number; endA: number; endB: number } {
  const a = original.split(/\s+/).filter(Boolean);
  const b = perturbed.split(/\s+/).filter(Boolean);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return { a, b, start, endA, endB };
}

/** Words shown on either side of a change. */
const CONTEXT = 12;

function window(tokens: readonly string[], start: number, end: number): { tokens: string[]; weights: number[] } {
  const from = Math.max(0, start - CONTEXT);
  const to = Math.min(tokens.length, Math.max(end, start + 1) + CONTEXT, from + 4 * CONTEXT);
  const shown = tokens.slice(from, to);
  const weights = shown.map((_, k) => (from + k >= start && from + k < end ? 1 : 0));
  return { tokens: [...(from > 0 ? ['…'] : []), ...shown, ...(to < tokens.length ? ['…'] : [])], weights: [...(from > 0 ? [0] : []), ...weights, ...(to < tokens.length ? [0] : [])] };
}

/** A text example as two highlighted snippets: the original (changed words in blue) and the perturbed text (in red). */
export function textExampleBlocks(t: InvarianceTestResult, e: InvarianceExample): ReportBlock[] {
  const { a, b, start, endA, endB } = changedSpan(String(e.original ?? ''), String(e.perturbed));
  const before = window(a, start, endA);
  const after = window(b, start, endB);
  return [
    { kind: 'highlighted-text', caption: `${t.name} · row ${e.rowId}: original, predicted ${out(e.before)}`, tokens: before.tokens, weights: before.weights.map((w) => -w) },
    { kind: 'highlighted-text', caption: `${t.name} · row ${e.rowId}: perturbed, predicted ${out(e.after)}; change ${e.change}`, tokens: after.tokens, weights: after.weights },
  ];
}

/** The slices where a test's violations concentrate, as a table. */
export function slicesTable(t: InvarianceTestResult, slices: readonly SliceRow[]): ReportBlock {
  return {
    kind: 'table',
    caption: `${t.name}: slices where violations concentrate (slice search on the violation indicator; Wilson intervals, BH q-values)`,
    columns: ['slice', 'n', 'violation rate', 'CI low', 'CI high', 'rest', 'q'],
    rows: slices.map((s) => [s.description, s.n, r4(s.violationRate), r4(s.interval.low), r4(s.interval.high), r4(s.restRate), s.qValue]),
  };
}

/**
 * The report blocks of an invariance run: what was tested, the rates table and chart, and for each test
 * with violations its worst examples (a table for tabular rows and MFT cases, highlighted snippets for
 * text) and the slices where they concentrate.
 */
export function invarianceBlocks(report: InvarianceReport, slices: Readonly<Record<string, readonly SliceRow[]>> = {}, options: { examplesPerTest?: number } = {}): ReportBlock[] {
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      markdown: `CheckList-style behavioural tests (Ribeiro et al. 2020) on ${report.rows} audited ${report.subject === 'text' ? 'documents' : 'rows'}, seed ${report.seed}. **INV**: the prediction should not change under the perturbation; a test case (row) violates when any of its perturbed copies flips the predicted class and moves the probability of the original class by more than the tolerance (regression: the value moves by more than the tolerance). **DIR**: raising a feature must not move the declared output against its direction by more than the tolerance. **MFT**: each templated case should get its expected label.`,
    },
    summaryTable(report),
  ];
  if (report.tests.some((t) => t.violationRate !== null)) blocks.push(rateChart(report));
  const k = options.examplesPerTest ?? 3;
  for (const t of report.tests) {
    if (t.violations === 0) continue;
    if (report.subject === 'text' && t.kind === 'inv') blocks.push(...t.examples.slice(0, k).flatMap((e) => textExampleBlocks(t, e)));
    else blocks.push(examplesTable(t));
    const s = slices[t.name];
    if (s && s.length > 0) blocks.push(slicesTable(t, s));
  }
  return blocks;
}
