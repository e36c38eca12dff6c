import type { RawMatrix } from '../../encode/encoder.js';
import { categorySwap } from './category-swap.js';
import { numericFeatureStats } from './feature-stats.js';
import { noiseFeature, numericNoise, type NoiseFeature, type TabularBatch } from './numeric-noise.js';
import { testError, featureIndex } from './test-errors.js';
import type { CategorySwapTest, NoiseTest } from './test-file.js';
import type { Rng } from '../../rng.js';
import type { TabularSubject } from './types.js';

/** Default noise: σ = 5% of each feature's spread, 5 noisy copies per row. */
export const NOISE_DEFAULTS = Object.freeze({ scale: 0.05, samples: 5 });
/** At most this many swaps per row for a category-swap test. */
export const SWAP_DEFAULT_SAMPLES = 10;

/** A tabular INV test made concrete: its perturbed rows and a description. */
export interface PreparedTabular {
  readonly batch: TabularBatch;
  readonly description: string;
  /** Raw columns whose values an example shows. */
  readonly columns: readonly number[];
  readonly note?: string;
}

const fmt = (x: number): string => Number(x.toPrecision(4)).toString();

/** Resolves a noise test against the subject and draws its perturbed rows. */
export function prepareNoise(test: NoiseTest, subject: TabularSubject, rng: Rng): PreparedTabular {
  const reference = subject.reference ?? subject.rows;
  const scale = test.scale ?? NOISE_DEFAULTS.scale;
  const samples = test.samples ?? NOISE_DEFAULTS.samples;
  for (const name of Object.keys(test.bounds ?? {})) if (!test.features.includes(name)) throw testError(test, `bounds.${name}`, `"${name}" is not one of the test's features.`, `Bounds apply to the features listed in "features": ${test.features.join(', ')}.`);
  const features: NoiseFeature[] = test.features.map((name, k) => {
    const j = featureIndex(test, `features[${k}]`, name, subject.features, 'numeric');
    return noiseFeature(j, numericFeatureStats(reference, j), scale, test.bounds?.[name]);
  });
  const constant = features.filter((f) => !(f.sigma > 0)).map((f) => subject.features[f.column]!.name);
  const batch = numericNoise(subject.rows, features, samples, rng);
  const parts = features.map((f) => `${subject.features[f.column]!.name} σ=${fmt(f.sigma)} in [${fmt(f.min)}, ${fmt(f.max)}]${f.integer ? ', rounded' : ''}`);
  const description = `Gaussian noise with σ = ${scale} × spread (IQR/1.349 of the reference rows, or their standard deviation when the IQR is 0) added to ${parts.join('; ')}; ${samples} noisy copies per row, clipped to the bounds. The prediction should not change.`;
  const note = batch.source.length === 0 ? (constant.length === features.length ? 'The features are constant on the reference rows: there is no spread to scale the noise by.' : 'The noise never changed a value (integer features whose noise rounds to 0, or values clipped at their bounds).') : undefined;
  return { batch, description, columns: features.map((f) => f.column), ...(note ? { note } : {}) };
}

/** Resolves a category-swap test (groups named by category) and builds the swapped rows. */
export function prepareCategorySwap(test: CategorySwapTest, subject: TabularSubject, rng: Rng): PreparedTabular {
  const j = featureIndex(test, 'feature', test.feature, subject.features, 'categorical');
  const categories = subject.features[j]!.categories ?? [];
  const seen = new Set<string>();
  const groups = test.groups.map((group, g) =>
    group.map((name, k) => {
      const code = categories.indexOf(name);
      if (code < 0) throw testError(test, `groups[${g}][${k}]`, `"${name}" is not a category of ${test.feature}.`, `Categories: ${categories.join(', ')}.`);
      if (seen.has(name)) throw testError(test, `groups[${g}][${k}]`, `"${name}" is in more than one group (or twice in one).`, 'A category belongs to one equivalence group.');
      seen.add(name);
      return code;
    }),
  );
  const samples = test.samples ?? SWAP_DEFAULT_SAMPLES;
  const batch = categorySwap(subject.rows, j, groups, samples, rng);
  const description = `${test.feature} swapped for another category of its equivalence group (${test.groups.map((g) => `{${g.join(', ')}}`).join('; ')}), up to ${samples} swaps per row. The prediction should not change.`;
  return { batch, description, columns: [j], ...(batch.source.length === 0 ? { note: `No audited row has a value of ${test.feature} in a declared group.` } : {}) };
}

/** The values of `columns` in row `i` of a raw matrix as an example shows them (categories by name). */
export function rowValues(raw: RawMatrix, i: number, columns: readonly number[], subject: TabularSubject): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const j of columns) {
    const v = raw.data[i * raw.nFeatures + j]!;
    const feature = subject.features[j]!;
    out[feature.name] = !Number.isFinite(v) ? null : feature.type === 'categorical' ? (feature.categories?.[v] ?? String(v)) : Number(v.toPrecision(6));
  }
  return out;
}
