import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasModelJson } from '../model/tfjs/file-io.js';
import type { TfjsLayersModel } from '../model/tfjs/layers-model.js';
import { loadTfjsLayersModel } from '../model/tfjs/load.js';
import type { DemoProgress } from './types.js';

/**
 * Loads the tfjs model in `dir` when its metadata carries this fingerprint (everything that decides
 * the data and the trained weights); otherwise undefined, and the caller trains.
 */
export async function loadMatchingModel(dir: string, fingerprint: string): Promise<TfjsLayersModel | undefined> {
  if (!(await hasModelJson(dir))) return undefined;
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { glassbox?: { fingerprint?: string } } };
  if (json.userDefinedMetadata?.glassbox?.fingerprint !== fingerprint) return undefined;
  return loadTfjsLayersModel(dir);
}

/** Prints the first and last epoch and stage messages on stderr (the default when no callback is given). */
export function defaultDemoProgress(p: DemoProgress): void {
  if (p.stage !== 'train' || p.epoch === undefined || p.epoch === 1 || p.epoch === p.epochs) process.stderr.write(`${p.message}\n`);
}
