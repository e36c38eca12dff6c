/**
 * Exact path-dependent TreeSHAP beside XGBoost 1.7.4's own C++ (`pred_contribs` / `pred_interactions`,
 * figures from timings.json): contributions for 10,000 rows and interaction values for 1,000 rows on
 * german-credit/xgb.json and adult-xgb/xgb.json, with 1 thread and with 2 worker threads. Rows are the
 * test rows tiled to the row count, as in the reference protocol. Times go through the public
 * explainer (`treeShap().explain`), including worker start-up for the 2-thread figures.
 *
 * Run alone: `npx tsx bench/tree-shap.bench.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeTreeShapWorkers } from '../src/explain/tree/parallel.js';
import { treeShap } from '../src/explain/tree-shap.js';
import { loadTreeModel } from '../src/model/trees/load.js';
import type { TreeModel } from '../src/model/trees/tree-model.js';
import { printResults, type BenchResult } from './types.js';
import { REFERENCE_DIR as referenceDir } from '../test/support/reference.js';


interface Timing {
  median_s: number;
}
type Timings = { sections: Record<string, { results: Record<string, Timing> }> };

function referenceSeconds(section: string, key: string): number | undefined {
  const path = resolve(referenceDir, 'timings.json');
  if (!existsSync(path)) return undefined;
  return (JSON.parse(readFileSync(path, 'utf8')) as Timings).sections[section]?.results[key]?.median_s;
}

/** The folder's test rows tiled (np.tile order) and cut to n rows, as a [n, features] float32 tensor. */
function tiledRows(folder: string, n: number): { data: Float32Array; shape: number[] } {
  const X = (JSON.parse(readFileSync(resolve(referenceDir, folder, 'xgb_encoded_test.json'), 'utf8')) as { X: number[][] }).X;
  const width = X[0]!.length;
  const data = new Float32Array(n * width);
  for (let i = 0; i < n; i++) data.set(X[i % X.length]!, i * width);
  return { data, shape: [n, width] };
}

/**
 * Median wall time and median process CPU time (all threads) of `runs` calls after one warm-up. On a
 * shared machine the CPU figure is the steadier one: it does not count time spent waiting for a core.
 */
async function timeWallAndCpu(fn: () => Promise<unknown>, runs = 3): Promise<{ wall: number; cpu: number }> {
  await fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await fn();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return { wall: median(wall), cpu: median(cpu) };
}

function note(t: { wall: number; cpu: number }, threads: number): string {
  return `CPU ${t.cpu.toPrecision(3)} s${threads > 1 ? ' (all threads)' : ''}; load ${loadavg()[0]!.toFixed(1)}`;
}

interface Workload {
  readonly folder: string;
  readonly section: string;
}

const WORKLOADS: Workload[] = [
  { folder: 'german-credit', section: 'german_xgb' },
  { folder: 'adult-xgb', section: 'adult_xgb' },
];

async function benchModel(w: Workload, model: TreeModel): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const contribRows = tiledRows(w.folder, 10_000);
  const interactionRows = tiledRows(w.folder, 1_000);
  for (const threads of [1, 2]) {
    const explainer = treeShap({ threads });
    const t = await timeWallAndCpu(() => explainer.explain(model, contribRows));
    results.push({
      name: `${w.folder} contributions, 10k rows, ${threads} thread${threads > 1 ? 's' : ''}`,
      ours: t.wall,
      reference: referenceSeconds(w.section, `pred_contribs_10000_rows_nthread${threads}`),
      unit: 's',
      referenceSource: `timings.json ${w.section} pred_contribs nthread=${threads}`,
      note: note(t, threads),
    });
  }
  for (const threads of [1, 2]) {
    const explainer = treeShap({ threads, interactions: true });
    const t = await timeWallAndCpu(() => explainer.explain(model, interactionRows));
    const reference = referenceSeconds(w.section, `pred_interactions_1000_rows_nthread${threads}`);
    results.push({
      name: `${w.folder} interactions, 1k rows, ${threads} thread${threads > 1 ? 's' : ''}`,
      ours: t.wall,
      ...(reference === undefined ? {} : { reference }),
      unit: 's',
      referenceSource: reference === undefined ? 'no reference figure for this model' : `timings.json ${w.section} pred_interactions nthread=${threads}`,
      note: note(t, threads),
    });
  }
  return results;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const w of WORKLOADS) {
    const path = resolve(referenceDir, w.folder, 'xgb.json');
    if (!existsSync(path)) {
      process.stderr.write(`[skip] tree-shap bench: ${path} not found (set GLASSBOX_REFERENCE_DIR)\n`);
      continue;
    }
    results.push(...(await benchModel(w, await loadTreeModel(path))));
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('tree-shap', await run());
  await closeTreeShapWorkers();
}
