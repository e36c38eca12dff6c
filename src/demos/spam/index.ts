import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../model/tfjs/file-io.js';
import type { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { defaultDemoProgress, loadMatchingModel } from '../artifacts.js';
import { demoModelDir } from '../paths.js';
import type { Demo, DemoOptions } from '../types.js';
import { loadSpamData } from './data.js';
import type { SpamData } from './data.js';
import { SPAM_TRAINING, trainSpamModel } from './model.js';
import { BagOfWordsEncoder } from '../../encode/bag-of-words.js';
import { textPipeline, type TextPipeline } from '../../model/text-pipeline.js';

/** A text classifier: a Model over encoded vectors plus the text encoder that feeds it. */

export interface SpamDemo extends Demo, TextPipeline {
  readonly name: 'spam';
  readonly data: SpamData;
}

export const SPAM_DESCRIPTION =
  'Spam filtering: a seeded 3,000-message subset of the SpamAssassin public corpus shipped with glassbox in demo-data/ (subject + body, headers dropped), ' +
  'split 75/25 within each source group, with a bag-of-words MLP (2,000-token vocabulary, log-count + L2 weighting) ' +
  'trained by glassbox. Metadata: `group` (source folder; `hard-ham-1` is ham that looks like spam and is the weakest slice) and `length`.';

export function spamFingerprint(seed: number): string {
  return JSON.stringify({ data: 'stdlib-spam-assassin@0.2/3000/0.25/mime-decoded', seed, network: 'bow-mlp-16@1', training: SPAM_TRAINING });
}


async function loadArtifact(dir: string, fingerprint: string): Promise<{ model: TfjsLayersModel; encoder: BagOfWordsEncoder } | undefined> {
  const model = await loadMatchingModel(dir, fingerprint);
  if (!model) return undefined;
  const path = join(dir, 'text-encoder.json');
  return { model, encoder: BagOfWordsEncoder.fromJSON(JSON.parse(await readFile(path, 'utf8')), path) };
}

/** Saves model.json + weights.bin + text-encoder.json. */
export async function saveSpamModel(dir: string, model: TfjsLayersModel, encoder: BagOfWordsEncoder, fingerprint: string): Promise<void> {
  await model.save(dir, { fingerprint });
  await writeFileAtomic(join(dir, 'text-encoder.json'), JSON.stringify(encoder.toJSON()));
}

/**
 * The `spam` demo. Uses the committed artifact in models/spam when it matches the seed; otherwise
 * trains now (about 10 s) and, with `saveTo`, saves it.
 */
export async function loadSpamDemo(options: DemoOptions & { saveTo?: string } = {}): Promise<SpamDemo> {
  const seed = options.seed ?? 0;
  const report = options.onProgress ?? defaultDemoProgress;
  const data = loadSpamData(seed);
  const fingerprint = spamFingerprint(seed);
  let loaded = options.retrain ? undefined : await loadArtifact(options.modelDir ?? demoModelDir('spam'), fingerprint);
  const modelSource = loaded ? 'artifact' : 'trained';
  if (!loaded) {
    report({ stage: 'train', message: `spam: no saved model matches (seed ${seed}); training one now…` });
    loaded = await trainSpamModel(data, seed, report, options.signal);
    if (options.saveTo) await saveSpamModel(options.saveTo, loaded.model, loaded.encoder, fingerprint);
  }
  const { model, encoder } = loaded;
  const inputs = { data: encoder.encode(data.texts), shape: [data.texts.length, encoder.outputWidth] };
  return { name: 'spam', description: SPAM_DESCRIPTION, table: data.table, schema: data.schema, inputs, data, modelSource, ...textPipeline(model, encoder) };
}
