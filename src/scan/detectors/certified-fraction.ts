import { wilsonInterval } from '../../math/stats/wilson.js';
import { rowSize, type Tensor } from '../../model/tensor.js';
import type { Finding, Severity } from '../../results/finding.js';
import { Rng } from '../../rng.js';
import { boundGraphOfModel, certifyBlocks, certifyRobustness, relaxedNeurons, type BoundGraph, type CertifyResult } from '../../robust/certify/public.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { labelledRows } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** The scan's certification budget and radius (documented in docs/robustness.md, recorded in results.json). */
export const CERTIFIED_SETTINGS = Object.freeze({
  /** L∞ radius in pixel units of [0, 1] images: about 2.5/255, where CROWN can still prove most MNIST digits. */
  epsilon: 0.01,
  /** Labelled images certified at most (a seeded sample beyond this). */
  maxImages: 50,
  /** Largest network, counted in pre-activation neurons (inputs of ReLU and max-pool, which CROWN bounds one by one). */
  maxRelaxedNeurons: 20_000,
});

function inUnitRange(x: Tensor): boolean {
  for (const v of x.data) if (!(v >= 0 && v <= 1)) return false;
  return true;
}

function graphOf(c: ScanContext): BoundGraph | string {
  return boundGraphOfModel(c.model, c.x!.shape.slice(1));
}

/**
 * Certified fraction: the share of a sample of labelled images whose prediction is provably the label
 * for every input in the L∞ box of radius ε, by IBP (Gowal et al. 2018) and CROWN (Zhang et al. 2018)
 * side by side. Only for small ReLU networks (ONNX or TF.js Sequential) whose every op has a bound rule.
 */
export const certifiedFraction: Detector = {
  id: 'certified-fraction',
  title: 'Certified robustness (IBP, CROWN)',
  category: 'robustness',
  applies: (c) => {
    if (c.pipeline) return 'tabular model: an ε-box in model-input units has no common scale across features; run `glassbox certify` with a chosen --epsilon on the encoded rows';
    if (c.text) return 'text model: certified bounds need continuous inputs';
    if (!c.x || (c.x.shape.length !== 4 && c.x.shape.length !== 3)) return 'needs image input: a tensor [n, C, H, W], [n, H, W, C] or [n, H, W]';
    if (c.model.task === 'regression') return 'classification models only';
    if (!inUnitRange(c.x)) return `pixel values lie outside [0, 1], so the default ε = ${CERTIFIED_SETTINGS.epsilon} has no meaning here; run \`glassbox certify --clip min,max --epsilon E\``;
    const graph = graphOf(c);
    if (typeof graph === 'string') return `no sound bounds for this model: ${graph}`;
    const neurons = relaxedNeurons(graph);
    if (neurons > CERTIFIED_SETTINGS.maxRelaxedNeurons) return `the network has ${neurons} pre-activation neurons (inputs of ReLU and max-pool), above the scan's budget of ${CERTIFIED_SETTINGS.maxRelaxedNeurons}; run \`glassbox certify\` on chosen rows`;
    return labelledRows(c.labels).length > 0 ? true : 'the data has no labels';
  },
  run: (c) => runCertified(c),
};

function sampleRows(c: ScanContext): number[] {
  const rows = Array.from(labelledRows(c.labels));
  if (rows.length <= CERTIFIED_SETTINGS.maxImages) return rows;
  const order = new Rng(c.seed).permutation(rows.length);
  return Array.from(order.subarray(0, CERTIFIED_SETTINGS.maxImages), (i) => rows[i]!).sort((a, b) => a - b);
}

function gather(x: Tensor, rows: readonly number[]): Tensor {
  const d = rowSize(x.shape);
  const data = new Float32Array(rows.length * d);
  rows.forEach((r, i) => data.set(x.data.subarray(r * d, (r + 1) * d), i * d));
  return { data, shape: [rows.length, ...x.shape.slice(1)] };
}

function predictedCorrect(c: ScanContext, rows: readonly number[]): Uint8Array {
  const width = c.model.outputWidth;
  return Uint8Array.from(rows, (r) => {
    let best = 0;
    for (let k = 1; k < width; k++) if (c.outputs[r * width + k]! > c.outputs[r * width + best]!) best = k;
    return best === c.labels[r] ? 1 : 0;
  });
}

async function runCertified(c: ScanContext): Promise<DetectorResult> {
  const graph = graphOf(c) as BoundGraph;
  const rows = sampleRows(c);
  const x = gather(c.x!, rows);
  const labels = Int32Array.from(rows, (r) => c.labels[r]!);
  const { epsilon } = CERTIFIED_SETTINGS;
  const results: CertifyResult[] = [];
  for (const method of ['ibp', 'crown'] as const) {
    c.progress(`${method.toUpperCase()} bounds at ε=${epsilon} on ${rows.length} images`);
    results.push(await certifyRobustness(graph, x, labels, { method, epsilon, clip: [0, 1], ...(c.signal ? { signal: c.signal } : {}) }));
  }
  const [ibp, crown] = results as [CertifyResult, CertifyResult];
  const correct = predictedCorrect(c, rows);
  const rowIds = rows.map((r) => c.table.rowIds[r]!);
  const labelled = labelledRows(c.labels).length;
  const notes =
    `${rows.length} labelled images${rows.length < labelled ? ` (a seeded sample of ${labelled})` : ''}, L∞ box of radius ε = ${epsilon} clipped to [0, 1]. ` +
    `The scan certifies networks with at most ${CERTIFIED_SETTINGS.maxRelaxedNeurons} pre-activation neurons (inputs of ReLU and max-pool; this one: ${relaxedNeurons(graph)}). Certified accuracy is a proven lower bound on accuracy under any attack within ε; an attack (PGD) gives an upper bound.`;
  return {
    findings: [overallFinding(c, ibp, crown, correct, rowIds)],
    sections: [{ id: 'certified-fraction', title: 'Certified robustness', blocks: [{ kind: 'text', markdown: notes }, ...certifyBlocks(results, correct, { timing: false })] }],
    data: {
      settings: { ...CERTIFIED_SETTINGS, images: rows.length, clip: [0, 1], seed: c.seed, relaxedNeurons: relaxedNeurons(graph), ...(graph.skippedHead ? { boundsOn: `logits before ${graph.skippedHead}` } : {}) },
      rowIds,
      cleanAccuracy: mean(correct),
      methods: results.map((r) => ({ method: r.method, certifiedAccuracy: r.certifiedAccuracy, certified: Array.from(r.certified), margin: Array.from(r.margin, (v) => (Number.isFinite(v) ? v : null)) })),
    },
  };
}

function mean(values: Uint8Array): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
}

function severityOf(clean: number, certified: number): Severity {
  return certified < 0.5 * clean ? 'low' : 'info';
}

function overallFinding(c: ScanContext, ibp: CertifyResult, crown: CertifyResult, correct: Uint8Array, rowIds: readonly number[]): Finding {
  const n = crown.rows;
  const count = crown.certified.reduce((a, b) => a + b, 0);
  const ibpCount = ibp.certified.reduce((a, b) => a + b, 0);
  const clean = mean(correct);
  const unproven = rowIds.filter((_, i) => correct[i] && !crown.certified[i]);
  return {
    id: 'certified-fraction/overall',
    detector: 'certified-fraction',
    severity: severityOf(clean, crown.certifiedAccuracy),
    title: `CROWN proves ${count} of ${n} images robust at ε = ${crown.epsilon} (IBP: ${ibpCount})`,
    summary: `For ${count} of ${n} images no perturbation of at most ${crown.epsilon} per pixel can change the prediction away from the label (CROWN); IBP proves ${ibpCount}. CROWN could not prove ${unproven.length} correctly classified image${unproven.length === 1 ? '' : 's'} robust. Clean accuracy on these images: ${clean.toFixed(3)}.`,
    metric: 'certified_accuracy',
    value: crown.certifiedAccuracy,
    baseline: clean,
    interval: { ...wilsonInterval(count, n), method: 'wilson for certified_accuracy (CROWN)' },
    examples: unproven.slice(0, 20),
    evidence: { n, epsilon: crown.epsilon, seed: c.seed, ibpCertifiedAccuracy: ibp.certifiedAccuracy, crownCertifiedAccuracy: crown.certifiedAccuracy, cleanAccuracy: clean },
    suggestion: 'Certified accuracy far below clean accuracy means robustness cannot be guaranteed at this ε; if it must be, train with IBP/CROWN-IBP (certified training) and check the rows listed with `glassbox certify`.',
    reproduce: `glassbox certify --method both --epsilon ${crown.epsilon} (on the same model and images); scan: ${reproduceCommand(c)}`,
  };
}
