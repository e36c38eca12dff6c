import type { Detector } from './detector.js';
import { dataDrift } from './detectors/data-drift.js';
import { labelIssues } from './detectors/label-issues.js';
import { adversarialVulnerability } from './detectors/adversarial-vulnerability.js';
import { certifiedFraction } from './detectors/certified-fraction.js';
import { cleverHans } from './detectors/clever-hans.js';
import { corruptionRobustnessDetector } from './detectors/corruption-robustness.js';
import { conformalCoverage } from './detectors/conformal-coverage.js';
import { miscalibration } from './detectors/miscalibration.js';
import { disparity } from './detectors/disparity.js';
import { globalImportance } from './detectors/global-importance.js';
import { imageAttributions } from './detectors/image-attributions.js';
import { invarianceViolations } from './detectors/invariance.js';
import { textAttributions } from './detectors/text-attributions.js';
import { overallPerformance } from './detectors/overall-performance.js';
import { perClassPerformance } from './detectors/per-class-performance.js';
import { protectedPerformance } from './detectors/protected-performance.js';
import { weakSlices } from './detectors/weak-slices.js';
import { worstDomain } from './detectors/worst-domain.js';
import { highUncertainty } from './detectors/high-uncertainty.js';
import { oodRows } from './detectors/ood-rows.js';
import { representationMap } from './detectors/representation-map.js';
import { varianceOfGradientsDetector } from './detectors/variance-of-gradients.js';
import { compressionPies } from './detectors/compression-pies.js';
import { failureScenarios } from './detectors/failure-scenarios.js';

/** The detectors `glassbox scan` runs, in report order. */
export function defaultDetectors(): Detector[] {
  return [overallPerformance, perClassPerformance, imageAttributions, textAttributions, protectedPerformance, disparity, conformalCoverage, weakSlices, miscalibration, globalImportance, cleverHans, corruptionRobustnessDetector, dataDrift, labelIssues, worstDomain, highUncertainty, oodRows, representationMap, varianceOfGradientsDetector, compressionPies, adversarialVulnerability, certifiedFraction, invarianceViolations, failureScenarios];
}
