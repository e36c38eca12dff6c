/**
 * t-SNE (Barnes–Hut, ours) and UMAP (umap-js) on Gaussian mixtures of 5,000 × 50 and 20,000 × 50: wall time
 * and trustworthiness (k = 5, on the same seeded 2,000-row sample for every method, since it is O(n²)).
 * Reference: scikit-learn's TSNE (barnes_hut, same defaults) on the same data, run live through python3
 * when scikit-learn is installed there; its embedding's trustworthiness is measured by the same code as ours.
 * GLASSBOX_PROJECTION_SIZES=1000,2000 runs smaller sizes (a quick check). Run alone: `npx tsx bench/projection.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readNpy, writeNpy } from '../src/data/npy.js';
import { sampledTrustworthiness } from '../src/represent/projection/project.js';
import { tsne } from '../src/represent/projection/tsne.js';
import { umap } from '../src/represent/projection/umap.js';
import { gaussianClusters } from '../test/support/gaussian-clusters.js';
import type { BenchResult } from './types.js';
import { printResults } from './types.js';

const D = 50;
const SAMPLE = 2000;

const SKLEARN = `
import sys, time, numpy as np
from sklearn.manifold import TSNE
X = np.load(sys.argv[1])
t = time.perf_counter()
Y = TSNE(n_components=2, random_state=0).fit_transform(X)
print(time.perf_counter() - t)
np.save(sys.argv[2], Y.astype(np.float64))
`;

function sklearnTsne(dir: string, x: Float64Array, n: number): { seconds: number; y: Float64Array } | undefined {
  const input = join(dir, `x${n}.npy`);
  const output = join(dir, `y${n}.npy`);
  writeNpy(input, x, [n, D]);
  const done = spawnSync('python3', ['-c', SKLEARN, input, output], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '2' } });
  if (done.status !== 0) return undefined;
  return { seconds: Number(done.stdout.trim()), y: Float64Array.from(readNpy(readFileSync(output), output).data as ArrayLike<number>) };
}

export async function run(): Promise<BenchResult[]> {
  const sizes = (process.env.GLASSBOX_PROJECTION_SIZES ?? '5000,20000').split(',').map(Number);
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-projection-bench-'));
  try {
    for (const n of sizes) {
      // 10 clusters whose centres are ~N(0, 3²) per axis: separated, but with real within-cluster structure to keep
      const { m } = gaussianClusters(n, D, 10, n, 3);
      const trust = (y: Float64Array): number => sampledTrustworthiness(m, { data: y, rows: n, cols: 2 }, 5, SAMPLE, 0).value;
      let start = process.hrtime.bigint();
      const ours = await tsne(m, { seed: 0 });
      const tsneSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      const reference = sklearnTsne(dir, Float64Array.from(m.data), n);
      results.push({
        name: `t-SNE Barnes–Hut, ${n} × ${D}, perplexity 30, 1000 iterations`,
        ours: tsneSeconds,
        ...(reference ? { reference: reference.seconds, referenceSource: 'scikit-learn TSNE (live, same data)' } : {}),
        unit: 's',
        note: `trustworthiness ours ${trust(ours.coordinates).toFixed(4)}${reference ? `, scikit-learn ${trust(reference.y).toFixed(4)}` : ' (scikit-learn not installed here)'}; KL ${ours.klDivergence.toFixed(3)}`,
      });
      start = process.hrtime.bigint();
      const u = await umap(m, { seed: 0 });
      const umapSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      results.push({ name: `UMAP (umap-js), ${n} × ${D}, 15 neighbours, ${u.epochs} epochs`, ours: umapSeconds, unit: 's', note: `trustworthiness ${trust(u.coordinates).toFixed(4)}` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('projection', await run());
