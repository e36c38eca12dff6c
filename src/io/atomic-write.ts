import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GlassboxError } from '../errors.js';

/**
 * Writes a file atomically: to a temporary sibling first, then renamed over the target, so readers
 * never see a half-written file and a failure leaves the previous file intact.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new GlassboxError('io_error', `Could not write ${path}: ${(error as Error).message}`, { file: path, hint: 'Check that the folder exists and is writable.' }, { cause: error });
  }
}
