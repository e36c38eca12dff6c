import { GlassboxError } from '../errors.js';
import { dirichletProcessPredict, fitDirichletProcessMixture } from '../math/dirichlet-process-mixture.js';
import { mixturePredict, selectGaussianMixture, type CovarianceType, type GaussianMixture } from '../math/gaussian-mixture.js';
import { Rng } from '../rng.js';
import type { UnrestrictedAdversarialExamples } from './identify.js';

/** A failure scenario: a cluster of unrestricted adversarial examples in latent space. */
export interface FailureScenario {
  /** 0-based, scenarios ordered by size (largest first). */
  readonly id: number;
  readonly size: number;
  /** Indices of the member examples (into the identification result's arrays). */
  readonly members: Int32Array;
  /** Count of members per source label, by class index. */
  readonly sourceLabels: Int32Array;
  /** Count of members per predicted label, by class index. */
  readonly predictedLabels: Int32Array;
  /** The mixture component's mean and covariance (latentDim², row-major; the diagonal only for 'diag') in latent space. */
  readonly centroid: Float64Array;
  readonly covariance: Float64Array;
  /** The component's mixing weight. */
  readonly weight: number;
  /** Distinct source images among the members. */
  readonly sources: number;
}

/**
 * How the number of scenarios is chosen: 'bic' (default) fits EM mixtures of 1 … maxComponents components
 * and keeps the lowest BIC; 'dirichlet-process' fits one Dirichlet-process mixture truncated at
 * maxComponents by variational inference, as the paper does, and keeps the components it uses.
 */
export type ScenarioMixture = 'bic' | 'dirichlet-process';

export interface DistillOptions {
  /** Largest number of mixture components tried, or the truncation level (default 10); for 'bic' capped so each has enough points. */
  readonly maxComponents?: number;
  readonly mixture?: ScenarioMixture;
  /** Covariance of the 'bic' mixtures (default 'full'); the Dirichlet-process mixture is always full. */
  readonly covariance?: CovarianceType;
  /**
   * 'source-label' (default): one mixture per source class, so every scenario's members share the class an
   * annotator would give them; 'none': one mixture over all codes, as in the paper.
   */
  readonly groupBy?: 'source-label' | 'none';
  /** Components with fewer members are not reported as scenarios (default 5). */
  readonly minSize?: number;
  readonly seed?: number;
}

/** One fitted mixture: over every code, or over the codes of one source class. */
export interface DistillationGroup {
  /** The source class, or null for all codes. */
  readonly sourceLabel: number | null;
  readonly size: number;
  readonly mixture: GaussianMixture;
  /** BIC of every number of components tried (empty for 'dirichlet-process'). */
  readonly candidates: readonly { readonly components: number; readonly bic: number; readonly logLikelihood: number }[];
}

export interface Distillation {
  readonly scenarios: readonly FailureScenario[];
  readonly groups: readonly DistillationGroup[];
  /** Examples in components smaller than minSize (in no scenario). */
  readonly unassigned: number;
  readonly groupBy: 'source-label' | 'none';
  readonly mixture: ScenarioMixture;
  readonly seed: number;
}

/** Class index → count, over the given member indices. */
function histogram(values: Int32Array, members: Int32Array, classes: number): Int32Array {
  const out = new Int32Array(classes);
  for (const m of members) out[values[m]!]! += 1;
  return out;
}

/**
 * Defuse's distillation step: the latent codes of the unrestricted adversarial examples are clustered
 * with Gaussian mixtures whose number of components minimises BIC, or (`mixture: 'dirichlet-process'`)
 * with a truncated Dirichlet-process mixture fitted by variational inference, as in the paper; each component with at least `minSize` assigned examples is a failure
 * scenario. By default the codes of each source class are clustered separately: in a small VAE's
 * latent space the codes of different classes overlap, and one mixture over all of them gives
 * scenarios whose members have different source classes, which no single annotation can label.
 * Full covariances need ≥ d + 1 points per component, so the number tried is capped at ⌊m / (d + 1)⌋.
 */
export function distillScenarios(examples: UnrestrictedAdversarialExamples, classes: number, options: DistillOptions = {}): Distillation {
  const m = examples.sourceRows.length;
  const d = examples.latentDim;
  if (m < 2) throw new GlassboxError('invalid_input', `Distillation needs at least 2 unrestricted adversarial examples; identification found ${m}`, { hint: 'Raise --samples-per-example or the noise scale, or use more source images.' });
  const seed = options.seed ?? 0;
  const covariance = options.covariance ?? 'full';
  const groupBy = options.groupBy ?? 'source-label';
  const minSize = options.minSize ?? 5;
  const method = options.mixture ?? 'bic';
  if (method !== 'bic' && method !== 'dirichlet-process') throw new GlassboxError('invalid_argument', `mixture must be 'bic' or 'dirichlet-process' (got ${String(method)})`, { argument: '--mixture', hint: 'Use bic or dirichlet-process.' });
  const rng = new Rng(seed);
  const subsets: { label: number | null; rows: number[] }[] = [];
  if (groupBy === 'none') subsets.push({ label: null, rows: Array.from({ length: m }, (_, i) => i) });
  else for (let c = 0; c < classes; c++) subsets.push({ label: c, rows: [] });
  if (groupBy !== 'none') for (let i = 0; i < m; i++) subsets[examples.sourceLabels[i]!]!.rows.push(i);
  const groups: DistillationGroup[] = [];
  const found: { members: number[]; mixture: GaussianMixture; component: number }[] = [];
  for (const { label, rows } of subsets) {
    const groupRng = rng.fork();
    if (rows.length < Math.max(2, minSize)) continue;
    const cap = Math.max(1, Math.floor(rows.length / (covariance === 'full' ? d + 1 : 2)));
    const maxComponents = Math.max(1, Math.min(options.maxComponents ?? 10, cap));
    const x = new Float64Array(rows.length * d);
    rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) x[i * d + j] = examples.latent[r * d + j]!;
    });
    let mixture: GaussianMixture;
    let assignment: Int32Array;
    if (method === 'dirichlet-process') {
      const dp = fitDirichletProcessMixture(x, rows.length, d, { truncation: options.maxComponents ?? 10, seed: groupRng, regularization: 1e-4 });
      mixture = dp.mixture;
      assignment = dirichletProcessPredict(dp, x, rows.length);
      groups.push({ sourceLabel: label, size: rows.length, mixture, candidates: [] });
    } else {
      const selection = selectGaussianMixture(x, rows.length, d, { minComponents: 1, maxComponents, covariance: rows.length > d ? covariance : 'diag', seed: groupRng, regularization: 1e-4 });
      mixture = selection.best;
      assignment = mixturePredict(mixture, x, rows.length);
      groups.push({ sourceLabel: label, size: rows.length, mixture, candidates: selection.candidates });
    }
    const members: number[][] = Array.from({ length: mixture.components }, () => []);
    rows.forEach((r, i) => members[assignment[i]!]!.push(r));
    members.forEach((g, component) => found.push({ members: g, mixture, component }));
  }
  const kept = found.filter((f) => f.members.length >= minSize).sort((a, b) => b.members.length - a.members.length || a.members[0]! - b.members[0]!);
  const scenarios = kept.map(({ members: g, mixture, component: c }, id): FailureScenario => {
    const members = Int32Array.from(g);
    const covSize = mixture.covariance === 'full' ? d * d : d;
    return {
      id,
      size: members.length,
      members,
      sourceLabels: histogram(examples.sourceLabels, members, classes),
      predictedLabels: histogram(examples.predicted, members, classes),
      centroid: mixture.means.slice(c * d, (c + 1) * d),
      covariance: mixture.covariances.slice(c * covSize, (c + 1) * covSize),
      weight: mixture.weights[c]!,
      sources: new Set(g.map((i) => examples.sourceRows[i]!)).size,
    };
  });
  const assigned = scenarios.reduce((a, s) => a + s.size, 0);
  return { scenarios, groups, unassigned: m - assigned, groupBy, mixture: method, seed };
}

/** The class with the most members (lowest index on ties). */
export function majority(counts: Int32Array): number {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  return best;
}
