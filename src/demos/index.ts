import { GlassboxError } from '../errors.js';
import { CREDIT_DESCRIPTION, creditFingerprint, loadCreditDemo } from './credit/index.js';
import { generateCredit } from './credit/generate.js';
import { saveCreditModel, trainCreditModel } from './credit/model.js';
import { DIGITS_DESCRIPTION, digitsFingerprint, loadDigitsDemo } from './digits/index.js';
import { loadDigitsData } from './digits/data.js';
import { trainDigitsModel } from './digits/model.js';
import { DIGITS_CHECKPOINT_STEPS, digitsCheckpointFingerprint, saveDigitsCheckpoints } from './digits/checkpoints.js';
import type { NamedWeights } from '../model/capabilities.js';
import { SPAM_DESCRIPTION, loadSpamDemo, saveSpamModel, spamFingerprint } from './spam/index.js';
import { loadSpamData } from './spam/data.js';
import { trainSpamModel } from './spam/model.js';
import type { Demo, DemoName, DemoOptions, DemoProgress } from './types.js';

export interface DemoInfo {
  readonly name: DemoName;
  readonly description: string;
}

const DEMOS: readonly DemoInfo[] = [
  { name: 'credit', description: CREDIT_DESCRIPTION },
  { name: 'digits', description: DIGITS_DESCRIPTION },
  { name: 'spam', description: SPAM_DESCRIPTION },
];

/** The built-in demos with a one-paragraph description each. */
export function listDemos(): DemoInfo[] {
  return DEMOS.map((d) => ({ ...d }));
}

/**
 * Loads a built-in demo: its data, schema and a model trained by glassbox's own code (from the
 * committed artifact when it matches, otherwise trained on the spot). See docs/demos.md.
 */
export async function loadDemo(name: string, options: DemoOptions = {}): Promise<Demo> {
  switch (name) {
    case 'credit':
      return loadCreditDemo(options);
    case 'digits':
      return loadDigitsDemo(options);
    case 'spam':
      return loadSpamDemo(options);
    default:
      throw new GlassboxError('invalid_argument', `Unknown demo "${name}"`, { argument: 'demo', hint: `Built-in demos: ${DEMOS.map((d) => d.name).join(', ')}` });
  }
}

/** Trains a demo's model with seed 0 and saves it into `dir` (used by scripts/train-demos.ts). Returns a one-line summary. */
export async function trainDemoArtifact(name: DemoName, dir: string, onProgress: (p: DemoProgress) => void): Promise<string> {
  switch (name) {
    case 'credit': {
      const data = generateCredit({ seed: 0 });
      const { model, encoder } = await trainCreditModel(data, 0, onProgress);
      await saveCreditModel(dir, model, encoder, creditFingerprint({ seed: 0 }));
      return `${encoder.outputWidth} inputs, ${model.model.countParams()} parameters`;
    }
    case 'digits': {
      const snapshots = new Map<number, NamedWeights>();
      const model = await trainDigitsModel(loadDigitsData(0), 0, onProgress, undefined, { steps: DIGITS_CHECKPOINT_STEPS, into: snapshots });
      await model.save(dir, { fingerprint: digitsFingerprint(0) });
      await saveDigitsCheckpoints(model, snapshots, dir, digitsCheckpointFingerprint(digitsFingerprint(0)));
      return `${model.model.countParams()} parameters, ${DIGITS_CHECKPOINT_STEPS.length} float16 checkpoints for VoG`;
    }
    case 'spam': {
      const { model, encoder } = await trainSpamModel(loadSpamData(0), 0, onProgress);
      await saveSpamModel(dir, model, encoder, spamFingerprint(0));
      return `${encoder.outputWidth} tokens, ${model.model.countParams()} parameters`;
    }
    default:
      throw new GlassboxError('invalid_argument', `Unknown demo "${name}"`, { argument: 'demo', hint: `Built-in demos: ${DEMOS.map((d) => d.name).join(', ')}` });
  }
}
