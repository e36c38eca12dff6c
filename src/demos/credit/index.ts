import { demoModelDir } from '../paths.js';
import { defaultDemoProgress } from '../artifacts.js';
import type { Demo, DemoOptions } from '../types.js';
import { DEFAULT_CREDIT_PLANTS, generateCredit } from './generate.js';
import type { CreditData, CreditGroundTruth, CreditOptions } from './generate.js';
import { CREDIT_TRAINING, creditInputs, loadCreditModel, saveCreditModel, trainCreditModel } from './model.js';

export interface CreditDemo extends Demo {
  readonly name: 'credit';
  readonly groundTruth: CreditGroundTruth;
  readonly data: CreditData;
}

export const CREDIT_DESCRIPTION =
  'Synthetic credit scoring (glassbox/credit generator): predict whether an applicant repaid. Planted defects: ' +
  'labels of young self-employed applicants are unreliable (a weak subgroup), labels for incomes in [90, 120) k are noisy, ' +
  'the historical outcomes are biased against women (a selection-rate gap on `gender`), and `account_closed_flag` is ' +
  'derived from the outcome itself (a "Clever Hans" leak). See ground truth for exact figures.';

/** Everything that decides the data and the trained weights; a saved artifact is reused only when it matches. */
export function creditFingerprint(options: CreditOptions): string {
  return JSON.stringify({
    generator: 'glassbox/credit@1',
    seed: options.seed ?? 0,
    rows: options.rows ?? 10_000,
    testFraction: options.testFraction ?? 0.3,
    sharpness: options.sharpness ?? 2,
    plants: options.plants ?? DEFAULT_CREDIT_PLANTS,
    network: 'mlp-32-16@1',
    training: CREDIT_TRAINING,
  });
}

/**
 * The `credit` demo: the generated table (see generateCredit), its ground truth, a fitted encoder and
 * a tfjs MLP. The committed artifact in models/credit is used when it was trained on exactly this
 * data; otherwise the model is trained now (a few seconds) and, with `saveTo`, saved.
 */
export async function loadCreditDemo(options: DemoOptions & CreditOptions & { saveTo?: string } = {}): Promise<CreditDemo> {
  const seed = options.seed ?? 0;
  const report = options.onProgress ?? defaultDemoProgress;
  const data = generateCredit(options);
  const fingerprint = creditFingerprint(options);
  const dir = options.modelDir ?? demoModelDir('credit');
  let loaded = options.retrain ? undefined : await loadCreditModel(dir, fingerprint);
  const modelSource = loaded ? 'artifact' : 'trained';
  if (!loaded) {
    report({ stage: 'train', message: `credit: no saved model matches this data (seed ${seed}); training one now…` });
    loaded = await trainCreditModel(data, seed, report, options.signal);
    if (options.saveTo) await saveCreditModel(options.saveTo, loaded.model, loaded.encoder, fingerprint);
  }
  return {
    name: 'credit',
    description: CREDIT_DESCRIPTION,
    table: data.table,
    schema: data.schema,
    model: loaded.model,
    encoder: loaded.encoder,
    inputs: creditInputs(data, loaded.encoder),
    groundTruth: data.groundTruth,
    data,
    modelSource,
  };
}
