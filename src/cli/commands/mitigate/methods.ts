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
];

export const MITIGATION_METHOD_NAMES = MITIGATION_METHODS.map((m) => m.name);
