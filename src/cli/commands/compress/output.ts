import type { CompressionSpec, CompressionSummary } from '../../../compress/compress-model.js';
import type { PieConcentration, PieResult } from '../../../compress/pies.js';
import { imagePngBase64 } from '../../../robust/corruptions/preview.js';
import type { ReportBlock } from '../../../results/blocks.js';
import { renderBlocks } from '../../render.js';
import type { CorruptionComparison, PopulationsForPies } from './run.js';

/** PIE images shown in the HTML grid. */
const GRID_PIES = 24;

interface OutputInputs {
  readonly result: PieResult;
  readonly robustness: readonly CorruptionComparison[];
  readonly populations: PopulationsForPies;
  readonly spec: CompressionSpec;
  readonly seed: number;
  readonly format: 'json' | 'table' | 'html';
}

function summaryJson(s: CompressionSummary): Record<string, unknown> {
  return { method: s.method, sparsity: s.sparsity, perWeightSparsity: s.perWeightSparsity, channelAxis: s.channelAxis, ...(s.quantized ? { quantized: s.quantized.map((q) => ({ name: q.name, maxError: q.maxError, rmse: q.rmse, scales: q.scales.length })) } : {}) };
}

/** The JSON form: PIEs as 0-based data rows, accuracies, concentration tables and top-line deltas. */
export function compressJson(o: OutputInputs): Record<string, unknown> {
  const { result: r, populations: p } = o;
  return {
    method: p.givenCompressed ? 'given' : o.spec.method,
    spec: p.givenCompressed ? null : o.spec,
    source: p.source,
    populationSize: r.populationSize,
    fineTuned: p.fineTuned,
    n: p.labels.length,
    pies: Array.from(r.pies, (i) => p.rowIds[i]!),
    pieCount: r.pies.length,
    pieRate: r.pieRate,
    accuracyOnPies: r.accuracyOnPies,
    accuracyOnRest: r.accuracyOnRest,
    perClass: r.perClass,
    perGroup: r.perGroup,
    topLine: r.topLine,
    robustness: o.robustness.map((c) => ({ corruption: c.corruption, severity: c.severity, base: c.topLine.baseMean, compressed: c.topLine.compressedMean, delta: c.topLine.delta, deltaInterval: c.topLine.deltaInterval })),
    pieRows: Array.from(r.pies, (i) => ({ rowId: p.rowIds[i]!, label: p.labels[i]!, modalBase: r.modalBase[i]!, modalCompressed: r.modalCompressed[i]! })),
    compression: p.summaries.map(summaryJson),
    seed: o.seed,
  };
}

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const signed = (v: number): string => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)} pp`;

function concentrationRows(rows: readonly PieConcentration[]): (string | number)[][] {
  return rows.map((c) => [c.value, c.n, c.pies, pct(c.pieRate), `[${pct(c.interval.low)}, ${pct(c.interval.high)}]`, c.relativeRate === null ? '—' : `${c.relativeRate.toFixed(2)}×`, pct(c.accuracy.base), pct(c.accuracy.compressed)]);
}

export async function compressOutput(o: OutputInputs): Promise<void> {
  if (o.format === 'json') {
    process.stdout.write(`${JSON.stringify(compressJson(o), null, 2)}\n`);
    return;
  }
  const { result: r, populations: p } = o;
  const t = r.topLine;
  const what = p.givenCompressed ? 'the compression of the given population' : o.spec.method === 'quantize' ? `int${o.spec.bits ?? 8} quantization (${o.spec.granularity ?? 'per-tensor'}, simulated in float)` : `${o.spec.method === 'prune-channels' ? 'structured channel' : `${o.spec.scope ?? 'global'} magnitude`} pruning to ${pct(o.spec.sparsity)} sparsity${p.fineTuned ? ', then fine-tuning with the pruned weights held at 0' : ''}`;
  const columns = ['value', 'rows', 'PIEs', 'PIE rate', 'Wilson 95%', 'vs overall', 'base acc.', 'compressed acc.'];
  const blocks: ReportBlock[] = [
    {
      kind: 'text',
      markdown:
        `Pruning Identified Exemplars (Hooker et al. 2019) under ${what}: ${p.source}, evaluated on ${p.labels.length} rows. ` +
        `A PIE is a row where the most common prediction of the compressed models differs from that of the base models. ` +
        `**${r.pies.length} PIEs** (${pct(r.pieRate)}). Top-line accuracy moves from ${pct(t.baseMean)} to ${pct(t.compressedMean)} (${signed(t.delta)}, ${t.deltaInterval.method} 95% [${signed(t.deltaInterval.low)}, ${signed(t.deltaInterval.high)}]), ` +
        `but on the PIEs the base models are right ${pct(r.accuracyOnPies.base)} of the time and the compressed ones ${pct(r.accuracyOnPies.compressed)} (rest: ${pct(r.accuracyOnRest.base)} and ${pct(r.accuracyOnRest.compressed)}).`,
    },
    { kind: 'table', caption: 'PIEs per class (rate with Wilson 95% interval; "vs overall" = class PIE rate / overall PIE rate)', columns, rows: concentrationRows(r.perClass) },
    ...Object.entries(r.perGroup).map(([name, rows]): ReportBlock => ({ kind: 'table', caption: `PIEs per ${name} group`, columns, rows: concentrationRows(rows) })),
  ];
  if (o.robustness.length > 0) {
    blocks.push({
      kind: 'table',
      caption: 'Accuracy under corruption (mean over each population; Welch t interval over models)',
      columns: ['corruption', 'severity', 'base', 'compressed', 'change', '95% interval'],
      rows: [['(clean)', '—', pct(t.baseMean), pct(t.compressedMean), signed(t.delta), `[${signed(t.deltaInterval.low)}, ${signed(t.deltaInterval.high)}]`], ...o.robustness.map((c) => [c.corruption, c.severity, pct(c.topLine.baseMean), pct(c.topLine.compressedMean), signed(c.topLine.delta), `[${signed(c.topLine.deltaInterval.low)}, ${signed(c.topLine.deltaInterval.high)}]`])],
    });
  }
  if (o.format === 'html' && r.pies.length > 0 && (p.x.shape.length === 4 || p.x.shape.length === 3)) {
    const shown = Array.from(r.pies.subarray(0, GRID_PIES));
    const images = await Promise.all(shown.map((i) => imagePngBase64(p.x, i)));
    const rows = [];
    for (let k = 0; k < shown.length; k += 6) {
      const part = shown.slice(k, k + 6);
      rows.push({ title: part.map((i) => `row ${p.rowIds[i]}: label ${p.classes[p.labels[i]!]}, base ${p.classes[r.modalBase[i]!]}, compressed ${p.classes[r.modalCompressed[i]!]}`).join(' · '), images: images.slice(k, k + 6) });
    }
    blocks.push({ kind: 'image-grid', caption: `The first ${shown.length} PIEs (modal labels of each population)`, columns: ['', '', '', '', '', ''].map((_, c) => `PIE ${c + 1}`), rows });
  }
  process.stdout.write(await renderBlocks(o.format, 'glassbox compress', blocks));
}
