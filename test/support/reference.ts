import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The one place tests and benchmarks locate the shared reference outputs (DESIGN.md §5).
 *
 * - `GLASSBOX_REFERENCE_DIR` unset and `../shared/reference` absent (a user's clone): reference-backed
 *   suites are skipped, each with a visible warning.
 * - Variable set (as `.ci/run` does), or the default folder present: every file a suite needs must
 *   exist, otherwise the suite fails at collection with the missing paths. CI can never go green
 *   without the references.
 */

/** Repository root (two levels above test/support). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const configured = (process.env.GLASSBOX_REFERENCE_DIR ?? '') !== '';

/** The shared reference folder (GLASSBOX_REFERENCE_DIR, default ../shared/reference beside the repo). */
export const REFERENCE_DIR = resolve(REPO_ROOT, configured ? process.env.GLASSBOX_REFERENCE_DIR! : '../shared/reference');
/** The shared datasets folder beside the reference folder. */
export const DATASETS_DIR = resolve(REFERENCE_DIR, '../datasets');

/** A path inside the reference folder. */
export function referencePath(...parts: string[]): string {
  return resolve(REFERENCE_DIR, ...parts);
}

/** A path inside the datasets folder. */
export function datasetPath(...parts: string[]): string {
  return resolve(DATASETS_DIR, ...parts);
}

/** Thrown when references are expected (variable set or folder present) but some are missing. */
export class MissingReferenceError extends Error {
  override readonly name = 'MissingReferenceError';
}

/**
 * Whether the reference-backed tests of `suite` run. `files` are relative to the reference folder
 * (`../datasets/x.csv` for a dataset). Returns false only when the variable is unset and the folder is
 * absent, after printing a warning; throws MissingReferenceError when references are expected but a
 * listed file is missing.
 */
export function useReference(suite: string, files: readonly string[]): boolean {
  if (!configured && !existsSync(REFERENCE_DIR)) {
    console.warn(`[skip] ${suite}: reference folder ${REFERENCE_DIR} not found. Set GLASSBOX_REFERENCE_DIR to run these tests.`);
    return false;
  }
  const missing = [REFERENCE_DIR, ...files.map((f) => referencePath(f))].filter((path) => !existsSync(path));
  if (missing.length > 0) {
    const why = configured ? `GLASSBOX_REFERENCE_DIR=${process.env.GLASSBOX_REFERENCE_DIR}` : `the default reference folder ${REFERENCE_DIR}`;
    throw new MissingReferenceError(`${suite}: ${why} lacks ${missing.join(', ')}. Point GLASSBOX_REFERENCE_DIR at a complete copy of the shared references, or unset it and remove the folder to skip reference tests.`);
  }
  return true;
}

/**
 * Whether reference tests run at all (false only when the variable is unset and the folder absent).
 * Prefer `useReference(suite, files)`, which also fails up front naming a missing file; with this flag a
 * missing file fails the test that reads it.
 */
export const HAS_REFERENCE = configured || existsSync(REFERENCE_DIR);
