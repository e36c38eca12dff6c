import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The glassbox package root (the folder whose package.json is named "glassbox"), from src/ or dist/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'glassbox') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('glassbox: cannot find the package root (package.json named "glassbox") above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Folder of a demo's committed model artifacts: <package>/models/<demo>. */
export function demoModelDir(demo: string): string {
  return join(packageRoot(), 'models', demo);
}

/** Folder of the committed demo data (digits and spam): <package>/demo-data. */
export function demoDataDir(): string {
  return join(packageRoot(), 'demo-data');
}
