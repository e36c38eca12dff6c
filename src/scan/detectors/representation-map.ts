import { pca } from '../../represent/projection/pca.js';
import { projectionScatterSpec } from '../../represent/projection/scatter-spec.js';
import type { ReportBlock } from '../../results/blocks.js';
import type { Finding } from '../../results/finding.js';
import { Rng } from '../../rng.js';
import { denseHeadOf } from '../../uncertainty/laplace/dense-head-of.js';
import type { Detector, DetectorResult, ScanContext } from '../detector.js';
import { predictedClasses } from '../predictions.js';
import { reproduceCommand } from '../reproduce.js';

/** Rows mapped at most (a seeded sample beyond), neighbours per row, and label shuffles of the test. */
const MAX_ROWS = 1000;
const NEIGHBOURS = 10;
const SHUFFLES = 200;

/**
 * The representation the model's head reads (the input of its last dense layer), projected with PCA and
 * coloured by error, for image models. Errors "cluster" when an error's nearest neighbours in that space
 * are errors more often than the error rate: the statistic is the mean share of errors among each
 * error's 10 nearest neighbours, tested against seeded shuffles of the error labels (a permutation test).
 * A finding (info) says so when p < 0.01 and the share is at least twice the error rate.
 */
export const representationMap: Detector = {
  id: 'representation-map',
  title: 'Representations: where the errors lie',
  category: 'explanation',
  applies: (c) => {
    if (c.x?.shape.length !== 4) return 'the map is drawn for image models (tabular and text inputs have their own slices)';
    if (c.model.task === 'regression') return 'errors are defined for classifiers';
    return true;
  },
  async run(c: ScanContext): Promise<DetectorResult> {
    const found = await denseHeadOf(c.model);
    if ('reason' in found) return { findings: [], sections: [{ id: 'representation-map', title: 'Representations: where the errors lie', blocks: [{ kind: 'text', markdown: `Not drawn: ${found.reason}.` }] }] };
    const head = found.head;
    const x = c.x!;
    const n = x.shape[0]!;
    const labelled = Array.from({ length: n }, (_, i) => i).filter((i) => c.labels[i]! >= 0);
    const rows = labelled.length > MAX_ROWS ? Array.from(new Rng(c.seed).permutation(labelled.length).subarray(0, MAX_ROWS), (k) => labelled[k]!).sort((a, b) => a - b) : labelled;
    const size = x.data.length / n;
    const sample = new Float32Array(rows.length * size);
    rows.forEach((r, i) => sample.set(x.data.subarray(r * size, (r + 1) * size), i * size));
    c.progress(`representation map: features of ${rows.length} images`);
    const features = await head.features({ data: sample, shape: [rows.length, ...x.shape.slice(1)] }, c.signal ? { signal: c.signal } : {});
    const predicted = predictedClasses(c.outputs, c.model.outputWidth, c.model.task);
    const errors = Uint8Array.from(rows, (r) => (predicted[r] !== c.labels[r] ? 1 : 0));
    const map = pca({ data: features, rows: rows.length, cols: head.inputs }, { seed: c.seed });
    const clustering = errorClustering(features, rows.length, head.inputs, errors, c.seed);
    const rowIds = rows.map((r) => c.table.rowIds[r]!);
    const spec = projectionScatterSpec(map.coordinates, 2, rowIds, { color: Array.from(errors, (e) => (e ? 'error' : 'correct')), colorTitle: 'prediction', axisTitle: 'PC' });
    const note = clustering.errors === 0
      ? 'No errors among the mapped rows.'
      : `Among each error's ${NEIGHBOURS} nearest neighbours (Euclidean, in the ${head.inputs}-dimensional features), a share ${clustering.share.toFixed(3)} are errors too, against an error rate of ${clustering.rate.toFixed(3)} (${clustering.enrichment.toFixed(1)}×; permutation p ${clustering.p < 1 / SHUFFLES ? `< ${(1 / SHUFFLES).toFixed(3)}` : `= ${clustering.p.toFixed(3)}`}, ${SHUFFLES} seeded shuffles). ${clustering.clustered ? 'The errors cluster: they share a region of the representation, so one kind of input is hard for the model (look at the grid of errors above, or at the slices of the data it came from).' : 'The errors do not cluster beyond chance: they are spread across the representation.'}`;
    const blocks: ReportBlock[] = [
      { kind: 'text', markdown: `PCA of the features ${head.description} reads (the penultimate representation) for ${rows.length} labelled images${rows.length < labelled.length ? ` (a seeded sample of ${labelled.length})` : ''}; PC1 and PC2 explain ${(100 * (map.explainedVarianceRatio[0]! + map.explainedVarianceRatio[1]!)).toFixed(1)}% of its variance. ${note} \`glassbox project --method tsne|umap\` draws a non-linear map.` },
      { kind: 'chart', caption: 'Penultimate representation (PCA), coloured by whether the prediction is right', spec },
    ];
    const findings: Finding[] = clustering.clustered ? [{
      id: 'representation-map/errors-cluster',
      detector: 'representation-map',
      severity: 'info',
      title: `Errors cluster in the model's representation (${clustering.enrichment.toFixed(1)}× the error rate among neighbours)`,
      summary: note,
      metric: 'error share among neighbours of errors',
      value: clustering.share,
      baseline: clustering.rate,
      examples: rowIds.filter((_, i) => errors[i]).slice(0, 10),
      evidence: { rows: rows.length, errors: clustering.errors, neighbours: NEIGHBOURS, shuffles: SHUFFLES, p: clustering.p, layer: head.featureName, seed: c.seed },
      suggestion: 'Look at the misclassified images together (the error grid and the map): a cluster is a kind of input the model has not learnt — collect or augment examples like it.',
      reproduce: reproduceCommand(c),
    }] : [];
    return { findings, sections: [{ id: 'representation-map', title: 'Representations: where the errors lie', blocks }], data: { layer: head.featureName, rows: rows.length, rowIds, explainedVarianceRatio: Array.from(map.explainedVarianceRatio), clustering } };
  },
};

interface Clustering {
  readonly errors: number;
  readonly rate: number;
  readonly share: number;
  readonly enrichment: number;
  readonly p: number;
  readonly clustered: boolean;
}

/** Mean share of errors among each error's nearest neighbours, against seeded shuffles of the labels. */
export function errorClustering(features: Float32Array, n: number, d: number, errors: Uint8Array, seed: number): Clustering {
  const count = errors.reduce((a, b) => a + b, 0);
  const rate = count / n;
  if (count === 0 || count === n) return { errors: count, rate, share: rate, enrichment: 1, p: 1, clustered: false };
  const k = Math.min(NEIGHBOURS, n - 1);
  const neighbours = nearest(features, n, d, k);
  const statistic = (labels: Uint8Array): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (!labels[i]) continue;
      let hits = 0;
      for (let t = 0; t < k; t++) hits += labels[neighbours[i * k + t]!]!;
      sum += hits / k;
    }
    return sum / count;
  };
  const share = statistic(errors);
  const rng = new Rng(seed);
  const shuffled = Uint8Array.from(errors);
  let atLeast = 0;
  for (let s = 0; s < SHUFFLES; s++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    if (statistic(shuffled) >= share) atLeast++;
  }
  const p = (atLeast + 1) / (SHUFFLES + 1);
  const enrichment = share / rate;
  return { errors: count, rate, share, enrichment, p, clustered: p < 0.01 && enrichment >= 2 };
}

/** The k nearest rows of each row (itself excluded), by squared Euclidean distance; n × k indices. */
function nearest(x: Float32Array, n: number, d: number, k: number): Int32Array {
  const out = new Int32Array(n * k);
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const v = x[i * d + t]! - x[j * d + t]!;
        s += v * v;
      }
      dist[j] = j === i ? Infinity : s;
      order[j] = j;
    }
    const sorted = Array.from(order).sort((a, b) => dist[a]! - dist[b]! || a - b);
    for (let t = 0; t < k; t++) out[i * k + t] = sorted[t]!;
  }
  return out;
}
