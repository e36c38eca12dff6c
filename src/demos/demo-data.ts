import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GlassboxError } from '../errors.js';
import { demoDataDir } from './paths.js';

/** The committed demo data files, written by scripts/make-demo-data.ts (see demo-data/README.md). */
export const DEMO_DATA_FILES = {
  digitsImages: 'digits-images.npy.gz',
  digitsLabels: 'digits-labels.npy.gz',
  spamMessages: 'spam-messages.jsonl.gz',
} as const;

/** The decompressed bytes of one committed demo data file (`name` in demo-data/, gzip). */
export function readDemoData(name: string, dir = demoDataDir()): Buffer {
  const path = join(dir, name);
  let packed: Buffer;
  try {
    packed = readFileSync(path);
  } catch (error) {
    throw new GlassboxError('io_error', `Demo data file ${path} is missing`, {
      file: path,
      hint: 'It ships with glassbox in demo-data/; reinstall the package, or in a clone restore it with git checkout -- demo-data (npm run make-demo-data rebuilds it).',
    }, { cause: error });
  }
  try {
    return gunzipSync(packed);
  } catch (error) {
    throw new GlassboxError('io_error', `Demo data file ${path} is not a readable gzip file`, { file: path, hint: 'Restore it with git checkout -- demo-data, or rebuild it with npm run make-demo-data.' }, { cause: error });
  }
}
