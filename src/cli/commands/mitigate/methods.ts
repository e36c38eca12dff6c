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

export const TRAINING_OPTIONS: readonly MethodOption[] = [
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
    name: 'threshold',
    summary: 'group-specific thresholds (Hardt et al. 2016), fitted on half the audited rows, judged on the other half',
    options: [{ flags: '--constraint <c>', description: 'threshold: demographic_parity, equalized_odds or equal_opportunity', defaultValue: 'equalized_odds' }],
    load: async () => (await import('./methods/threshold.js')).thresholdMethod,
  },
];

export const MITIGATION_METHOD_NAMES = MITIGATION_METHODS.map((m) => m.name);
