import { GlassboxError } from '../errors.js';
import { mixturePredict, selectGaussianMixture, type CovarianceType, type GaussianMixture } from '../math/gaussian-mixture.js';
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
  /** The mixture component's mean and covariance (latentDim², row-major; diagonal for 'diag') in latent space. */
  readonly centroid: Float64Array;
  readonly covariance: Float64Array;
  /** The component's mixing weight. */
  readonly weight: number;
  /** Distinct source images among the members. */
  readonly sources: number;
}

export interface DistillOptions {
  /** Largest number of mixture components tried (default 10); capped so each has enough points. */
  readonly maxComponents?: number;
  readonly covariance?: CovarianceType;
  readonly seed?: number;
}

export interface Distillation {
  readonly scenarios: readonly FailureScenario[];
  readonly mixture: GaussianMixture;
  /** BIC of every number of components tried. */
  readonly candidates: readonly { readonly components: number; readonly bic: number; readonly logLikelihood: number }[];
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
 * with a Gaussian mixture whose number of components minimises BIC (the paper's alternative to a
 * Dirichlet-process mixture), and each non-empty component is a failure scenario of the examples
 * assigned to it. Full covariances need ≥ d + 1 points per component, so the number tried is capped
 * at ⌊m / (d + 1)⌋ (at least 1).
 */
export function distillScenarios(examples: UnrestrictedAdversarialExamples, classes: number, options: DistillOptions = {}): Distillation {
  const m = examples.sourceRows.length;
  const d = examples.latentDim;
  if (m < 2) throw new GlassboxError('invalid_input', `Distillation needs at least 2 unrestricted adversarial examples; identification found ${m}`, { hint: 'Raise --samples-per-example or the noise scale, or use more source images.' });
  const seed = options.seed ?? 0;
  const covariance = options.covariance ?? 'full';
  const cap = Math.max(1, Math.floor(m / (covariance === 'full' ? d + 1 : 2)));
  const maxComponents = Math.max(1, Math.min(options.maxComponents ?? 10, cap));
  const x = Float64Array.from(examples.latent);
  const selection = selectGaussianMixture(x, m, d, { minComponents: 1, maxComponents, covariance, seed, regularization: 1e-4 });
  const mixture = selection.best;
  const assignment = mixturePredict(mixture, x, m);
  const groups: number[][] = Array.from({ length: mixture.components }, () => []);
  for (let i = 0; i < m; i++) groups[assignment[i]!]!.push(i);
  const ordered = groups.map((g, c) => ({ c, g })).filter((e) => e.g.length > 0).sort((a, b) => b.g.length - a.g.length || a.c - b.c);
  const covSize = covariance === 'full' ? d * d : d;
  const scenarios = ordered.map(({ c, g }, id): FailureScenario => {
    const members = Int32Array.from(g);
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
  return { scenarios, mixture, candidates: selection.candidates, seed };
}

/** The class with the most members (lowest index on ties). */
export function majority(counts: Int32Array): number {
  let best = 0;
  for (let c = 1; c < counts.length; c++) if (counts[c]! > counts[best]!) best = c;
  return best;
}
