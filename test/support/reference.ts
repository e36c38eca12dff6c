import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The shared reference folder (GLASSBOX_REFERENCE_DIR, default ../shared/reference beside the repo). */
export const REFERENCE_DIR = resolve(repoRoot, process.env.GLASSBOX_REFERENCE_DIR ?? '../shared/reference');
/** The shared datasets folder beside the reference folder. */
export const DATASETS_DIR = resolve(REFERENCE_DIR, '../datasets');
export const HAS_REFERENCE = existsSync(REFERENCE_DIR);

if (!HAS_REFERENCE) {
  console.warn(`[glassbox tests] reference folder ${REFERENCE_DIR} not found: reference tests are skipped. Set GLASSBOX_REFERENCE_DIR to run them.`);
}

export function referencePath(...parts: string[]): string {
  return resolve(REFERENCE_DIR, ...parts);
}
