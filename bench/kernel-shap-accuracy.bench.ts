/**
 * KernelSHAP accuracy at equal model evaluations: glassbox's default estimator against shap's
 * KernelExplainer sampling scheme (test/support/shap-kernel-scheme.ts, an independent transcription of
 * shap 0.44 `explain` + `solve` with l1_reg=False), on games whose exact Shapley values are known by
 * enumerating all 2^M coalitions. Games: random tanh MLPs and random tree ensembles (JS, 10–16 players),
 * and — when ../shared/reference is present — german-credit mlp.onnx and xgb.json (16 of 20 features as
 * players) and adult xgb.json (14 players), each at one test row over 16 background rows.
 * Each cell: mean absolute error against exact, averaged over 5 seeds; ratio = ours / shap (< 1: better).
 * Cells where the budget covers every coalition are left out (both estimators are then exact).
 * Also times the fit per row (explaining 8 rows of one game, so rows share the plan's factorisation).
 *
 * Run alone: `npx tsx bench/kernel-shap-accuracy.bench.ts` (about a minute on 2 cores).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kernelShap } from '../src/explain/kernel-shap.js';
import { loadTreeModel } from '../src/model/trees/load.js';
import { pipeline } from '../src/model/pipeline.js';
import { Rng } from '../src/rng.js';
import { fnModel, rawMatrix, tinyEncoder } from '../test/conformance/fixtures.js';
import { germanDir, germanMlp, germanOrdinal, referenceDir } from '../test/conformance/german-credit.js';
import { kernelShapOnTable } from '../test/support/kernel-shap-on-table.js';
import { shapKernelScheme } from '../test/support/shap-kernel-scheme.js';
import { exactShapleyOfTable, interventionalGame, logisticPairsGame, meanAbsoluteError, mlpGame, reluMlpGame, treeGame, type TableGame } from '../test/support/shapley-games.js';
import { printResults, type BenchResult } from './types.js';

const SAMPLES = [512, 1024, 2048, 4096];
const SEEDS = 5;

export interface AccuracyRow {
  readonly game: string;
  readonly players: number;
  readonly samples: number;
  readonly shap: number;
  readonly ours: number;
}

export async function accuracyTable(games: readonly TableGame[]): Promise<AccuracyRow[]> {
  const rows: AccuracyRow[] = [];
  for (const game of games) {
    const exact = exactShapleyOfTable(game);
    for (const samples of SAMPLES) {
      if (samples >= 2 ** game.m - 2) continue;
      let shap = 0;
      let ours = 0;
      for (let seed = 0; seed < SEEDS; seed++) {
        shap += meanAbsoluteError(shapKernelScheme(game, samples, new Rng(seed)), exact) / SEEDS;
        ours += meanAbsoluteError((await kernelShapOnTable(game, { samples, seed })).values, exact) / SEEDS;
      }
      rows.push({ game: game.name, players: game.m, samples, shap, ours });
    }
  }
  return rows;
}

export function formatAccuracy(rows: readonly AccuracyRow[]): string {
  const lines = ['| game | players | samples | shap scheme MAE | glassbox MAE | ratio |', '|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.game} | ${r.players} | ${r.samples} | ${r.shap.toExponential(2)} | ${r.ours.toExponential(2)} | ${(r.ours / r.shap).toFixed(2)} |`);
  const ratios = rows.map((r) => r.ours / r.shap);
  const geo = Math.exp(ratios.reduce((s, v) => s + Math.log(v), 0) / ratios.length);
  lines.push('', `geometric mean ratio ${geo.toFixed(3)}; worst ${Math.max(...ratios).toFixed(2)}; cells ≤ 0.5: ${ratios.filter((v) => v <= 0.5).length}/${ratios.length}`);
  return lines.join('\n');
}

export async function syntheticGames(): Promise<TableGame[]> {
  return [
    await mlpGame('mlp (JS, tanh 24)', 10, 1),
    await mlpGame('mlp (JS, tanh 24)', 12, 2),
    await treeGame('trees (JS, 30 × depth 5)', 12, 4),
    await mlpGame('mlp (JS, tanh 24)', 14, 3),
    await treeGame('trees (JS, 30 × depth 4)', 14, 5, 30, 4),
    await mlpGame('mlp (JS, tanh 24)', 16, 7),
    await treeGame('trees (JS, 40 × depth 6)', 16, 8, 40, 6),
  ];
}

/**
 * Game families that played no part in choosing the estimator's settings (a check against tuning to the
 * games above): two-layer ReLU MLPs and logistic models with strong pairwise interactions.
 */
export async function unseenGames(): Promise<TableGame[]> {
  return [
    await reluMlpGame('mlp (JS, relu 64×64)', 12, 21),
    await reluMlpGame('mlp (JS, relu 64×64)', 16, 22),
    await logisticPairsGame('logistic + pairwise', 14, 23),
    await logisticPairsGame('logistic + pairwise', 16, 24),
  ];
}

/** Games on the reference models (skipped when ../shared/reference is absent). */
export async function referenceGames(): Promise<TableGame[]> {
  if (!existsSync(resolve(germanDir, 'mlp.onnx'))) return [];
  const games: TableGame[] = [];
  const { train, test } = germanOrdinal();
  const row = (m: { data: Float64Array; nFeatures: number }, i: number): Float64Array => m.data.slice(i * m.nFeatures, (i + 1) * m.nFeatures);
  const x = row(test, 0);
  const background = Array.from({ length: 16 }, (_, b) => row(train, b));
  const { pipe, model } = await germanMlp();
  const players = varyingFeatures(x, background).slice(0, 16);
  games.push(
    await interventionalGame({
      name: 'german-credit mlp.onnx P(bad)',
      x,
      background,
      players,
      predict: async (rows, n) => {
        const out = await pipe.predictRaw({ data: rows, nRows: n, nFeatures: 20 });
        return Float64Array.from({ length: n }, (_, r) => out[2 * r + 1]!);
      },
    }),
  );
  await model.dispose();
  for (const [folder, name] of [['german-credit', 'german-credit xgb.json P(bad)'], ['adult-xgb', 'adult xgb.json P(>50K)']] as const) {
    const encoded = JSON.parse(readFileSync(resolve(referenceDir, folder, 'xgb_encoded_test.json'), 'utf8')) as { X: number[][] };
    const trees = await loadTreeModel(resolve(referenceDir, folder, 'xgb.json'));
    const f = encoded.X[0]!.length;
    const xx = Float64Array.from(encoded.X[0]!);
    const bg = encoded.X.slice(1, 17).map((r) => Float64Array.from(r));
    games.push(
      await interventionalGame({
        name,
        x: xx,
        background: bg,
        players: varyingFeatures(xx, bg).slice(0, 16),
        predict: async (rows, n) => {
          const out = await trees.predict({ data: Float32Array.from(rows), shape: [n, f] });
          return Float64Array.from({ length: n }, (_, r) => out[2 * r + 1]!);
        },
      }),
    );
  }
  return games;
}

function varyingFeatures(x: Float64Array, background: readonly Float64Array[]): number[] {
  return Array.from(x, (_, j) => j).filter((j) => background.some((b) => b[j] !== x[j]));
}

/** Seconds per row of kernelShap on a 16-feature game, 8 rows sharing one plan. */
async function fitSecondsPerRow(scheme: 'adjusted' | 'paired' | 'shap', samples: number): Promise<number> {
  const m = 16;
  const rng = new Rng(11);
  const model = fnModel(m, 1, (r) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += Math.sin(r[i]! * (i + 1)) * r[(i + 1) % m]!;
    return [s];
  });
  const pipe = pipeline(model, tinyEncoder(Array.from({ length: m }, (_, i) => ({ name: `x${i}`, type: 'numeric' as const }))));
  const rows = (n: number) => rawMatrix(Array.from({ length: n }, () => Array.from({ length: m }, () => rng.normal())));
  const x = rows(8);
  const background = rows(1);
  const explainer = kernelShap({ samples, seed: 1, scheme });
  await explainer.explain(pipe, rows(1), { background });
  const cpu = process.cpuUsage();
  await explainer.explain(pipe, x, { background });
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1e6 / 8;
}

export async function run(): Promise<BenchResult[]> {
  const rows = await accuracyTable([...(await syntheticGames()), ...(await referenceGames())]);
  process.stdout.write(`\n## KernelSHAP accuracy (MAE vs exact Shapley, mean of ${SEEDS} seeds, equal model evaluations)\n\n${formatAccuracy(rows)}\n`);
  const unseen = await accuracyTable(await unseenGames());
  process.stdout.write(`\n### Unseen game families\n\n${formatAccuracy(unseen)}\n`);
  const results: BenchResult[] = [];
  for (const samples of [512, 1024, 2048, 4096]) {
    const ours = await fitSecondsPerRow('adjusted', samples);
    const paired = await fitSecondsPerRow('paired', samples);
    const shap = await fitSecondsPerRow('shap', samples);
    results.push({ name: `KernelSHAP CPU per row, 16 players, ${samples} samples, 1 background row (fit-dominated): adjusted vs scheme 'shap'`, ours, reference: shap, unit: 's/row', referenceSource: "glassbox scheme 'shap' (shap's estimator)", note: `scheme 'paired' ${paired.toFixed(4)} s/row` });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('KernelSHAP fit cost', await run());
