import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GlassboxError } from '../../errors.js';
import type { NamedWeights } from '../../model/capabilities.js';
import { hasModelJson } from '../../model/tfjs/file-io.js';
import type { TfjsLayersModel } from '../../model/tfjs/layers-model.js';
import { loadTfjsLayersModel } from '../../model/tfjs/load.js';
import { demoModelDir } from '../paths.js';

/**
 * Optimizer steps after which the digits CNN's weights are kept as training checkpoints for Variance of
 * Gradients: every 75 of the 375 steps (3 epochs × 125 batches of 64). The final model (step 375) is the
 * demo model itself, so K = 5 checkpoints in all.
 */
export const DIGITS_CHECKPOINT_STEPS = Object.freeze([75, 150, 225, 300]);
/** The last optimizer step of the demo's training (the demo model). */
export const DIGITS_FINAL_STEP = 375;

/** What decides the checkpoints: the model's fingerprint and the steps. */
export function digitsCheckpointFingerprint(modelFingerprint: string): string {
  return JSON.stringify({ model: modelFingerprint, steps: DIGITS_CHECKPOINT_STEPS, weights: 'float16' });
}

/** Folder of one committed checkpoint: models/digits/checkpoints/step-075, … (float16 weights, about 55 KB each). */
export function digitsCheckpointDir(step: number, modelDir = demoModelDir('digits')): string {
  return join(modelDir, 'checkpoints', `step-${String(step).padStart(3, '0')}`);
}

export interface DigitsCheckpoints {
  /** The K networks in training order; the last is the demo model. */
  readonly models: readonly TfjsLayersModel[];
  readonly steps: readonly number[];
  /** The folders read (the demo model's last), or 'trained' when they were missing and trained now. */
  readonly locations: readonly string[];
}

/** Saves the snapshots as TF.js folders with float16 weights beside the model (used by scripts/train-demos.ts). */
export async function saveDigitsCheckpoints(model: TfjsLayersModel, snapshots: ReadonlyMap<number, NamedWeights>, modelDir: string, fingerprint: string): Promise<void> {
  for (const step of DIGITS_CHECKPOINT_STEPS) {
    const weights = snapshots.get(step);
    if (!weights) throw new GlassboxError('internal', `digits: no snapshot at step ${step}`, { hint: 'Train with the checkpoint callback (trainDigitsModel).' });
    const copy = await model.clone();
    await copy.setWeights(weights);
    await copy.save(digitsCheckpointDir(step, modelDir), { fingerprint, checkpointStep: step }, { float16: true });
    await copy.dispose();
  }
}

/**
 * The committed checkpoints of the digits CNN followed by the demo model, when they carry `fingerprint`;
 * otherwise undefined (the caller trains).
 */
export async function loadMatchingCheckpoints(fingerprint: string, finalModel: TfjsLayersModel, modelDir = demoModelDir('digits')): Promise<DigitsCheckpoints | undefined> {
  const models: TfjsLayersModel[] = [];
  const locations: string[] = [];
  for (const step of DIGITS_CHECKPOINT_STEPS) {
    const dir = digitsCheckpointDir(step, modelDir);
    if (!(await hasModelJson(dir))) return undefined;
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { glassbox?: { fingerprint?: string } } };
    if (json.userDefinedMetadata?.glassbox?.fingerprint !== fingerprint) return undefined;
    models.push(await loadTfjsLayersModel(dir));
    locations.push(dir);
  }
  return { models: [...models, finalModel], steps: [...DIGITS_CHECKPOINT_STEPS, DIGITS_FINAL_STEP], locations: [...locations, modelDir] };
}
