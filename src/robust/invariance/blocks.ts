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
const out = (o: OutputSummary | undefined): string => (o === undefined ? '' : o.scoreOf === 'value' ? String(o.predicted) : `${String(o.predicted)} · ${o.scoreOf} = ${o.score}`);

/** Examples of a tabular test (or an MFT test) as a table: original vs perturbed, with the outputs. */
export function examplesTable(t: InvarianceTestResult): ReportBlock {
  const mft = t.kind === 'mft';
  const watched = mft ? 'predicted' : 'prediction · watched score';
  return {
    kind: 'table',
    caption: `${t.name}: worst ${mft ? 'failing cases' : 'violations'} (${mft ? '1 − P(expected)' : 'change in the watched score'} largest first)`,
    columns: mft ? ['case', 'expected', watched, '1 − P(expected)'] : ['row', 'original', 'perturbed', `before: ${watched}`, `after: ${watched}`, 'change'],
    rows: t.examples.map((e) => (mft ? [show(e.perturbed), e.expected ?? '', out(e.after), e.change] : [e.rowId, show(e.original), show(e.perturbed), out(e.before), out(e.after), e.change])),
  };
}

/** Tokens looked ahead for a resynchronisation after a mismatch (a contraction spans at most 2). */
const RESYNC = 4;

/**
 * The words (split at whitespace) of both texts, with a mark on those that differ: a two-pointer walk
 * that, at a mismatch, skips the fewest words on either side that bring the texts back in step.
 */
export function changedWords(original: string, perturbed: string): { a: string[]; b: string[]; ma: Uint8Array; mb: Uint8Array } {
  const a = original.split(/\s+/).filter(Boolean);
  const b = perturbed.split(/\s+/).filter(Boolean);
  const ma = new Uint8Array(a.length);
  const mb = new Uint8Array(b.length);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    let skip: [number, number] = [1, 1];
    search: for (let s = 1; s <= RESYNC; s++) {
      for (let di = 0; di <= s; di++) {
        const dj = s - di;
        if (i + di < a.length && j + dj < b.length && a[i + di] === b[j + dj]) {
          skip = [di, dj];
          break search;
        }
      }
    }
    ma.fill(1, i, i + skip[0]);
    mb.fill(1, j, j + skip[1]);
    i += skip[0];
    j += skip[1];
  }
  ma.fill(1, i);
  mb.fill(1, j);
  return { a, b, ma, mb };
}

/** Words shown on either side of a change. */
const CONTEXT = 12;

function window(tokens: readonly string[], marks: Uint8Array): { tokens: string[]; weights: number[] } {
  const first = Math.max(0, marks.indexOf(1));
  const last = Math.max(first, marks.lastIndexOf(1));
  const from = Math.max(0, first - CONTEXT);
  const to = Math.min(tokens.length, last + 1 + CONTEXT, from + 4 * CONTEXT);
  const shown = tokens.slice(from, to);
  const weights = shown.map((_, k) => marks[from + k]!);
  return { tokens: [...(from > 0 ? ['…'] : []), ...shown, ...(to < tokens.length ? ['…'] : [])], weights: [...(from > 0 ? [0] : []), ...weights, ...(to < tokens.length ? [0] : [])] };
}

/** A text example as two highlighted snippets: the original (changed words in blue) and the perturbed text (in red). */
export function textExampleBlocks(t: InvarianceTestResult, e: InvarianceExample): ReportBlock[] {
  const { a, b, ma, mb } = changedWords(String(e.original ?? ''), String(e.perturbed));
  const before = window(a, ma);
  const after = window(b, mb);
  return [
    { kind: 'highlighted-text', caption: `${t.name} · row ${e.rowId}: original, predicted ${out(e.before)}`, tokens: before.tokens, weights: before.weights.map((w) => -w) },
    { kind: 'highlighted-text', caption: `${t.name} · row ${e.rowId}: perturbed, predicted ${out(e.after)}; change ${e.change}`, tokens: after.tokens, weights: after.weights },
  ];
}

/** The changed words of a snippet marked with [[ ]] for plain text. */
function marked(w: { tokens: string[]; weights: number[] }): string {
  return w.tokens.map((t, k) => (w.weights[k] ? `[[${t}]]` : t)).join(' ');
}

/** Text examples as a table of snippets around the change, changed words in [[ ]] (for terminals). */
export function textExamplesTable(t: InvarianceTestResult, k: number): ReportBlock {
  return {
    kind: 'table',
    caption: `${t.name}: worst violations (snippets around the change; changed words in [[ ]])`,
    columns: ['row', 'original', 'perturbed', 'before', 'after', 'change'],
    rows: t.examples.slice(0, k).map((e) => {
      const { a, b, ma, mb } = changedWords(String(e.original ?? ''), String(e.perturbed));
      return [e.rowId, marked(window(a, ma)), marked(window(b, mb)), out(e.before), out(e.after), e.change];
    }),
  };
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
 * text, or a table of snippets with `highlightText: false`) and the slices where they concentrate.
 */
export function invarianceBlocks(report: InvarianceReport, slices: Readonly<Record<string, readonly SliceRow[]>> = {}, options: { examplesPerTest?: number; highlightText?: boolean } = {}): ReportBlock[] {
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
    if (report.subject === 'text' && t.kind === 'inv') blocks.push(...(options.highlightText === false ? [textExamplesTable(t, k)] : t.examples.slice(0, k).flatMap((e) => textExampleBlocks(t, e))));
    else blocks.push(examplesTable(t));
    const s = slices[t.name];
    if (s && s.length > 0) blocks.push(slicesTable(t, s));
  }
  return blocks;
}
