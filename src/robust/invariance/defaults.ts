import { numericFeatureStats } from './feature-stats.js';
import { NOISE_DEFAULTS } from './tabular-inv.js';
import type { DeclaredTest } from './test-file.js';
import { TEXT_PERTURBATIONS } from './text/perturbations.js';
import type { InvarianceSubject } from './types.js';

/**
 * The built-in tests a scan runs without a tests file:
 * - tabular: Gaussian noise of 5% of the spread on each numeric feature on its own (5 copies per row),
 *   so a violation names the feature; features constant on the reference rows are skipped;
 * - text: every text perturbation (typo, case, punctuation, contractions, synonyms, names, locations).
 * Category swaps, DIR and MFT need declared knowledge (which categories are equivalent, which way an
 * output should move, which label a case deserves), so they run only from a tests file.
 */
export function defaultTests(subject: InvarianceSubject): DeclaredTest[] {
  if (subject.kind === 'text') return TEXT_PERTURBATIONS.map((perturbation) => ({ name: perturbation, kind: 'inv', perturbation }) as DeclaredTest);
  const reference = subject.reference ?? subject.rows;
  return subject.features.flatMap((f, j) =>
    f.type === 'numeric' && numericFeatureStats(reference, j).spread > 0
      ? [{ name: `noise: ${f.name}`, kind: 'inv' as const, perturbation: 'noise' as const, features: [f.name], scale: NOISE_DEFAULTS.scale, samples: NOISE_DEFAULTS.samples }]
      : [],
  );
}
