import type { ScanContext } from '../detector.js';

/** Why a detector for tabular data does not apply, in the user's terms (what the input is instead). */
export function notTabular(c: Pick<ScanContext, 'x' | 'text'>): string {
  if (c.text) return 'the input is text, not tabular data';
  if (c.x?.shape.length === 4) return 'the input is images, not tabular data';
  return 'needs tabular data with an encoder';
}
