import { pathToFileURL } from 'node:url';
import { discoverSlices } from '../src/slice/discover.js';
import type { DiscoverOptions } from '../src/slice/discover.js';
import { filterRows } from '../src/slice/search-features.js';
import { evaluateSlices, plantedData, SCENARIOS } from '../test/support/planted-slices.js';
import type { Evaluation, Scenario } from '../test/support/planted-slices.js';
import { printResults } from './types.js';
import type { BenchResult } from './types.js';

const SEEDS = [1, 2, 3, 4, 5];

interface Summary {
  readonly recall: number;
  readonly fdp: number;
  readonly jaccards: number[];
  readonly seconds: number;
}

function evaluate(scenario: Scenario, seed: number, rows: number, options: DiscoverOptions): { evaluation: Evaluation; seconds: number } {
  const data = plantedData({ ...scenario, rows, seed });
  const start = process.hrtime.bigint();
  const discovery = discoverSlices(data.table, data.features, data.errors, { maxOrder: 3, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const n = data.table.nRows;
  const masks = discovery.slices.map((s) => {
    const mask = new Uint8Array(n);
    for (const i of filterRows(discovery.features, s.conditions, n)) mask[i] = 1;
    return mask;
  });
  return { evaluation: evaluateSlices(data.plants, masks), seconds };
}

function summarise(scenario: Scenario, rows: number, options: DiscoverOptions): Summary {
  const runs = SEEDS.map((seed) => evaluate(scenario, seed, rows, options));
  const mean = (f: (r: (typeof runs)[number]) => number): number => runs.reduce((a, r) => a + f(r), 0) / runs.length;
  return { recall: mean((r) => r.evaluation.recall), fdp: mean((r) => r.evaluation.fdp), jaccards: runs.flatMap((r) => r.evaluation.rangeJaccards), seconds: mean((r) => r.seconds) };
}

const fmt = (x: number): string => x.toFixed(3);
const jaccardNote = (j: readonly number[]): string => (j.length ? `range Jaccard mean ${fmt(j.reduce((a, b) => a + b, 0) / j.length)}, min ${fmt(Math.min(...j))}, ${j.filter((v) => v >= 0.8).length}/${j.length} ≥ 0.8` : 'no ranges');

/**
 * Planted-slice recovery (test/support/planted-slices.ts): every scenario × 5 seeds at its own size and at
 * half of it (less power), with range refinement on (default) and off. Prints recall, false-discovery
 * proportion and the row Jaccard of found ranges; the time column is the mean search time per dataset.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const all: Record<string, Summary[]> = { refined: [], coarse: [], half: [] };
  for (const scenario of SCENARIOS) {
    const refined = summarise(scenario, scenario.rows, {});
    const coarse = summarise(scenario, scenario.rows, { refine: false });
    const half = summarise(scenario, Math.round(scenario.rows / 2), {});
    all.refined!.push(refined);
    all.coarse!.push(coarse);
    all.half!.push(half);
    results.push({ name: `${scenario.name}, ${SEEDS.length} seeds`, ours: refined.seconds, reference: coarse.seconds, unit: 's', referenceSource: 'same search without range refinement', note: `recall ${fmt(refined.recall)}, FDP ${fmt(refined.fdp)}, ${jaccardNote(refined.jaccards)}; without refinement: ${jaccardNote(coarse.jaccards)}; at ${Math.round(scenario.rows / 2)} rows: recall ${fmt(half.recall)}, FDP ${fmt(half.fdp)}, ${jaccardNote(half.jaccards)}` });
  }
  for (const [label, list] of Object.entries(all)) {
    const recall = list.reduce((a, s) => a + s.recall, 0) / list.length;
    const fdp = list.reduce((a, s) => a + s.fdp, 0) / list.length;
    results.push({ name: `all scenarios (${label})`, ours: list.reduce((a, s) => a + s.seconds, 0) / list.length, unit: 's', note: `recall ${fmt(recall)}, FDP ${fmt(fdp)}, ${jaccardNote(list.flatMap((s) => s.jaccards))}` });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults('slice-recovery', await run());
}
