// Public API of the fairness analysis (Fairlearn semantics) and its mitigations.
export { fairnessSummary, groupRates, multiclassFairness, spread } from './group-metrics.js';
export type { FairnessSummary, GroupRates } from './group-metrics.js';
export { intersect, withIntersections } from './intersect.js';
export { reweighing } from './reweighing.js';
export type { Reweighing, ReweighingCell } from './reweighing.js';
export { fitThresholdOptimizer, applyThresholdPolicy, policyProbabilities } from './threshold-optimizer.js';
export type { FairnessConstraint, ThresholdPolicy, GroupPolicy, ThresholdRule } from './threshold-optimizer.js';
export { thresholdMitigation } from './mitigation-report.js';
export type { ThresholdMitigation, MitigationSide } from './mitigation-report.js';
