/**
 * The interpretable challengers on adult (adult-xgb's split: 26,049 training rows, 6,512 test rows):
 * test AUC beside the reference xgboost's (200 trees of depth 8, AUC 0.9254), and fit time (wall and
 * process CPU; one fit each). The goal: GAM AUC ≥ 0.90 and within 0.02 of xgboost.
 *
 * Run alone: `GLASSBOX_REFERENCE_DIR=../shared/reference npx tsx bench/challenger-adult.bench.ts`.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { rocAuc } from '../src/math/metrics/roc-auc.js';
import { fitGam } from '../src/model/interpretable/gam/fit-gam.js';
import { gamScores } from '../src/model/interpretable/gam/predict-gam.js';
import type { GamOptions } from '../src/model/interpretable/gam/types.js';
import { fitShallowTree, shallowTreePredict } from '../src/model/interpretable/shallow-tree.js';
import { fitSparseLinear, sparseLinearScores } from '../src/model/interpretable/sparse-linear.js';
import { loadAdult, referenceXgbAuc } from '../test/support/adult.js';
import { referencePath } from '../test/support/reference.js';
import type { BenchResult } from './types.js';
import { printResults } from './types.js';

function timed<T>(fn: () => T): { value: T; wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { value, wall, cpu: (c.user + c.system) / 1e6 };
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(referencePath('adult-xgb', 'schema.json'))) {
    process.stderr.write('[skip] challenger-adult bench: adult-xgb not found (set GLASSBOX_REFERENCE_DIR)\n');
    return [];
  }
  const adult = await loadAdult();
  const reference = referenceXgbAuc();
  const { raw, y } = adult.train;
  const test = adult.test;
  const results: BenchResult[] = [];
  const line = (name: string, t: { wall: number; cpu: number }, auc: number, extra = ''): void => {
    results.push({ name, ours: t.wall, unit: 's', referenceSource: 'no reference fit time (EBM is not in timings.json)', note: `test AUC ${auc.toFixed(4)} vs xgboost ${reference.toFixed(4)} (Δ ${(auc - reference).toFixed(4)}); CPU ${t.cpu.toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}${extra}` });
  };
  const gams: [string, GamOptions][] = [
    ['GAM, defaults (8 bags, 10 FAST pairs, lr 0.05, 3 leaves)', {}],
    ['GAM, main effects only (8 bags)', { interactions: 0 }],
    ['GAM, interpret 0.6 boosting (lr 0.015, 2 leaves, 1 bag, no pairs)', { learningRate: 0.015, maxLeaves: 2, outerBags: 1, interactions: 0 }],
  ];
  for (const [name, options] of gams) {
    const t = timed(() => fitGam(raw, y, adult.features, 'binary', { seed: 0, ...options }));
    line(name, t, rocAuc(test.y, gamScores(t.value, test.raw)), `; rounds per bag ${t.value.rounds.mains.join('/')}`);
  }
  const linear = timed(() => fitSparseLinear(raw, y, adult.features, 'binary', { seed: 0 }));
  line('sparse logistic regression (L1 path, 50 λ)', linear, rocAuc(test.y, sparseLinearScores(linear.value, test.raw)), `; ${linear.value.path.nonzero[linear.value.path.chosen]} of ${linear.value.columns.length} columns kept`);
  const tree = timed(() => fitShallowTree(raw, y, adult.features, 'binary'));
  line('decision tree, depth 4', tree, rocAuc(test.y, shallowTreePredict(tree.value, test.raw)));
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('challenger-adult', await run());
}
