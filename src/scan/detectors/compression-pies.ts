import { compressModel, type CompressionSpec } from '../../compress/compress-model.js';
import { findPies } from '../../compress/pies.js';
import { populationPredictions } from '../../compress/population.js';
import { isTrainable } from '../../model/capabilities.js';
import type { Model } from '../../model/model.js';
import type { Trainable } from '../../model/capabilities.js';
import type { Finding } from '../../results/finding.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** `--compression prune:0.9 | prune-channels:0.5 | quantize:8` as a spec; undefined when off. */
function specOf(c: ScanContext): CompressionSpec | undefined {
  const value = c.options.compression as CompressionSpec | undefined;
  return value && typeof value === 'object' && 'method' in value ? value : undefined;
}

function describe(spec: CompressionSpec): string {
  if (spec.method === 'quantize') return `int${spec.bits ?? 8} ${spec.granularity ?? 'per-tensor'} quantization`;
  return `${spec.method === 'prune-channels' ? 'channel' : 'global magnitude'} pruning to ${(100 * spec.sparsity).toFixed(0)}% sparsity`;
}

/**
 * What compression forgets (Hooker et al. 2019), off by default because it is costly (a compressed copy of
 * the model and a second pass over every row): the scanned model is compressed post-training (no
 * fine-tuning) and the rows whose prediction changes are its PIEs, with the accuracy of both on them and
 * their concentration per class. With one model per population the modal label is the model's own label;
 * `glassbox compress --population 5` trains populations for the digits demo.
 */
export const compressionPies: Detector = {
  id: 'compression-pies',
  title: 'What compression forgets (PIEs)',
  category: 'robustness',
  applies: (c) => {
    const spec = specOf(c);
    if (!spec) return 'off by default (costly: compresses a copy of the model and scores every row again); enable with --compression prune:0.9 or quantize:8';
    if (!isTrainable(c.model)) return 'needs a model whose weights glassbox can read and write (TF.js or ONNX): this one only predicts';
    if (!c.x) return 'needs tensor inputs (images or .npy); for tabular models run `glassbox compress` on the encoded inputs';
    if (c.model.task === 'regression') return 'PIEs compare predicted classes: classifiers only';
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  async run(c: ScanContext): Promise<DetectorResult> {
    const spec = specOf(c)!;
    const model = c.model as Model & Trainable;
    c.progress(`compression: ${describe(spec)}`);
    const compressed = await compressModel(model, spec);
    try {
      const rows = labelledRows(c.labels);
      const size = c.x!.data.length / Math.max(1, c.x!.shape[0]!);
      const sample = new Float32Array(rows.length * size);
      rows.forEach((r, i) => sample.set(c.x!.data.subarray(r * size, (r + 1) * size), i * size));
      const x = { data: sample, shape: [rows.length, ...c.x!.shape.slice(1)] };
      const labels = Int32Array.from(rows, (r) => c.labels[r]!);
      const [base, comp] = [await populationPredictions([model], x, c.signal), await populationPredictions([compressed.model], x, c.signal)];
      const r = findPies({ base, compressed: comp, labels, classes: c.classes });
      const rowIds = Array.from(rows, (i) => c.table.rowIds[i]!);
      const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
      const worst = [...r.perClass].filter((k) => k.relativeRate !== null).sort((a, b) => b.relativeRate! - a.relativeRate!)[0];
      const summary = `${describe(spec)} (post-training, not fine-tuned; ${pct(compressed.summary.sparsity)} of the compressed weights are zero) changes the prediction of ${r.pies.length} of ${rows.length} labelled rows (${pct(r.pieRate)}). Accuracy moves from ${pct(r.topLine.baseMean)} to ${pct(r.topLine.compressedMean)}; on the changed rows the original model is right ${pct(r.accuracyOnPies.base)} of the time and the compressed one ${pct(r.accuracyOnPies.compressed)}.${worst && worst.pies > 0 ? ` The most affected class is ${worst.value} (${pct(worst.pieRate)} of its rows, ${worst.relativeRate!.toFixed(1)}× the overall rate).` : ''}`;
      const drop = r.topLine.baseMean - r.topLine.compressedMean;
      const findings: Finding[] = r.pies.length > 0 ? [{
        id: 'compression-pies/forgotten',
        detector: 'compression-pies',
        severity: drop > 0.05 ? 'medium' : 'low',
        title: `${describe(spec)} changes ${r.pies.length} predictions (${pct(r.pieRate)}); accuracy ${pct(r.topLine.baseMean)} → ${pct(r.topLine.compressedMean)}`,
        summary,
        metric: 'share of rows whose prediction compression changes',
        value: r.pieRate,
        examples: Array.from(r.pies.subarray(0, 10), (i) => rowIds[i]!),
        evidence: { rows: rows.length, pies: r.pies.length, spec, sparsity: compressed.summary.sparsity, accuracyOnPies: r.accuracyOnPies, accuracyOnRest: r.accuracyOnRest, populationSize: 1, seed: c.seed },
        suggestion: 'Before shipping the compressed model, check the changed rows and the classes they fall in; fine-tune after pruning (`glassbox compress` does, with populations) and compare again.',
        reproduce: reproduceCommand(c),
      }] : [];
      const table = { kind: 'table' as const, caption: 'Changed predictions per class (Wilson 95% interval)', columns: ['class', 'rows', 'changed', 'rate', 'interval', 'vs overall'], rows: r.perClass.map((k) => [k.value, k.n, k.pies, pct(k.pieRate), `[${pct(k.interval.low)}, ${pct(k.interval.high)}]`, k.relativeRate === null ? '—' : `${k.relativeRate.toFixed(2)}×`]) };
      return {
        findings,
        sections: [{ id: 'compression-pies', title: 'What compression forgets (PIEs)', blocks: [{ kind: 'text', markdown: `This check is off by default because it is costly: it compresses a copy of the model and scores every row again. ${summary} With one model on each side a PIE is simply a changed prediction; Hooker et al. compare populations of models (\`glassbox compress --population 5\`).` }, table] }],
        data: { spec, sparsity: compressed.summary.sparsity, pies: Array.from(r.pies, (i) => rowIds[i]!), accuracyOnPies: r.accuracyOnPies, accuracyOnRest: r.accuracyOnRest, perClass: r.perClass, topLine: r.topLine },
      };
    } finally {
      await compressed.model.dispose?.();
    }
  },
};
