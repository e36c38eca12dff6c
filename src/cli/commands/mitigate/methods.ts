import type { MitigationMethod } from './method.js';

/** A flag only some methods read, registered on the command once (by its flags string). */
export interface MethodOption {
  readonly flags: string;
  readonly description: string;
  readonly defaultValue?: string;
}

/**
 * One mitigation method of `glassbox mitigate`: its name (`--method NAME`), a line of help, the flags it
 * reads beyond the shared ones, and its implementation, imported only when it runs (`methods/<name>.ts`).
 */
export interface MitigationMethodEntry {
  readonly name: string;
  readonly summary: string;
  readonly options?: readonly MethodOption[];
  readonly load: () => Promise<MitigationMethod>;
}

const TRAINING_OPTIONS: readonly MethodOption[] = [
  { flags: '--epochs <n>', description: 'fine-tuning epochs (training methods)' },
  { flags: '--batch-size <n>', description: 'fine-tuning batch size (training methods)' },
  { flags: '--learning-rate <r>', description: 'Adam learning rate of the fine-tuning (training methods)' },
];

/** Flags of adversarial-training and trades. */
const ROBUST_TRAINING_OPTIONS: readonly MethodOption[] = [
  { flags: '--epsilon <e>', description: 'adversarial-training, trades: radius of the perturbations trained against and evaluated at (L∞ per element, L2 per row)' },
  { flags: '--train-epsilon <e>', description: 'adversarial-training, trades: radius of the training attack when it should differ from --epsilon (default --epsilon)' },
  { flags: '--steps <t>', description: 'adversarial-training, trades: attack iterations per training batch (default 7)' },
  { flags: '--step-size <a>', description: 'adversarial-training, trades: attack step size (default 2.5·ε/steps)' },
  { flags: '--norm <norm>', description: 'adversarial-training, trades: linf (default) or l2' },
  { flags: '--eval-steps <t>', description: 'adversarial-training, trades: PGD iterations of the robust-accuracy evaluation (default 20)' },
  { flags: '--labels <file.npy>', description: 'image data as .npy: one class index per image' },
  { flags: '--clip <min,max>', description: 'valid input range (default 0,1 for images; tabular data: each numeric column\'s range)' },
];

/**
 * Every method, in help order. To add one: write `methods/<name>.ts` exporting a {@link MitigationMethod}
 * and add its entry here; the command registers its options and dispatches to it.
 */
export const MITIGATION_METHODS: readonly MitigationMethodEntry[] = [
  {
    name: 'mindiff',
    summary: 'fine-tune with task loss + λ·MinDiff (MMD or absolute correlation between the groups\' scores on one label)',
    options: [
      { flags: '--penalty <kind>', description: 'mindiff: mmd or correlation', defaultValue: 'mmd' },
      { flags: '--on <label>', description: 'mindiff: rows compared: negatives (equalise FPR) or positives (TPR)', defaultValue: 'negatives' },
      { flags: '--lambdas <a,b,c>', description: 'λ values of the trade-off curve (training methods)' },
      ...TRAINING_OPTIONS,
    ],
    load: async () => (await import('./methods/mindiff.js')).mindiffMethod,
  },
  {
    name: 'rate-constraint',
    summary: 'fine-tune under "rate difference ≤ bound" constraints by the proxy-Lagrangian (Cotter et al. 2019)',
    options: [
      { flags: '--rate <rate>', description: 'rate-constraint: fpr, tpr or selection-rate', defaultValue: 'fpr' },
      { flags: '--proxy <kind>', description: 'rate-constraint: hinge or sigmoid proxy of the rates in the model\'s loss', defaultValue: 'hinge' },
      { flags: '--bounds <a,b,c>', description: 'rate-constraint: bounds of the trade-off curve' },
      ...TRAINING_OPTIONS,
    ],
    load: async () => (await import('./methods/rate-constraint.js')).rateConstraintMethod,
  },
  {
    name: 'threshold',
    summary: 'group-specific thresholds (Hardt et al. 2016), fitted on half the audited rows, judged on the other half',
    options: [{ flags: '--constraint <c>', description: 'threshold: demographic_parity, equalized_odds or equal_opportunity', defaultValue: 'equalized_odds' }],
    load: async () => (await import('./methods/threshold.js')).thresholdMethod,
  },
  {
    name: 'reweigh',
    summary: 'fine-tune with Kamiran–Calders weights that make label and group independent',
    options: TRAINING_OPTIONS,
    load: async () => (await import('./methods/reweigh.js')).reweighMethod,
  },
  {
    name: 'adversarial-training',
    summary: 'PGD adversarial training (Madry et al. 2018) as fine-tuning; clean and PGD-20 robust accuracy at the same ε before/after',
    options: [...ROBUST_TRAINING_OPTIONS, { flags: '--clean-weight <w>', description: 'adversarial-training: weight of clean rows mixed into each batch, in [0, 1) (default 0: adversarial rows only)' }, ...TRAINING_OPTIONS],
    load: async () => (await import('./methods/adversarial-training.js')).adversarialTrainingMethod,
  },
  {
    name: 'trades',
    summary: 'TRADES (Zhang et al. 2019): clean cross-entropy + β·KL to the adversarial output, as fine-tuning; same before/after as adversarial-training',
    options: [...ROBUST_TRAINING_OPTIONS, { flags: '--beta <b>', description: 'trades: weight β of the KL term (default 6)' }, ...TRAINING_OPTIONS],
    load: async () => (await import('./methods/trades.js')).tradesMethod,
  },
];

export const MITIGATION_METHOD_NAMES = MITIGATION_METHODS.map((m) => m.name);
