import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A TF.js model folder as its model.json (the loaders take the file); any other path unchanged. */
export function modelFileOf(path: string): string {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() && existsSync(join(path, 'model.json')) ? join(path, 'model.json') : path;
}
