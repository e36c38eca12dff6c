import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printResults, type BenchResult } from './types.js';

/**
 * `npm run bench [filter]`: runs every bench/*.bench.ts (or those whose name contains the filter)
 * and prints our figures beside the reference figures as ratios.
 */
const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts') && f.includes(filter)).sort();
for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<readonly BenchResult[]> };
  if (typeof module.run !== 'function') continue;
  try {
    printResults(file.replace('.bench.ts', ''), await module.run());
  } catch (error) {
    process.stdout.write(`\n## ${file}: failed — ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
