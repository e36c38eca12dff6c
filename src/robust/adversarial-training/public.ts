export { adversarialTraining } from './adversarial-training.js';
export type { AdversarialFineTuneOptions, AdversarialTrainingProgress, AdversarialTrainingResult, HeldOutRows } from './adversarial-training.js';
export { resolveAdversarialSettings } from './settings.js';
export type { AdversarialMethod, AdversarialTrainingOptions, AdversarialTrainingSettings } from './settings.js';
export { pgdExamples, pgdTrainingTransform, type InnerAttack } from './pgd-transform.js';
export { TRADES_PAIR_KEY, tradesExamples, tradesKl, tradesTrainingTransform } from './trades.js';
export { evaluateRobustness, robustnessChange } from './evaluate.js';
export type { ProportionEstimate, EvaluationOptions, PairedChange, RobustnessEvaluation } from './evaluate.js';
