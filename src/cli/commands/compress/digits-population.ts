import { join } from 'node:path';
import { loadMatchingModel } from '../../../demos/artifacts.js';
import { loadDigitsDemo, digitsFingerprint } from '../../../demos/digits/index.js';
import type { DigitsData } from '../../../demos/digits/data.js';
import { trainDigitsModel } from '../../../demos/digits/model.js';
import { compressPopulation } from '../../../compress/population.js';
import { compressModel } from '../../../compress/compress-model.js';
import type { CompressionSpec, CompressionSummary } from '../../../compress/compress-model.js';
import type { TfjsLayersModel } from '../../../model/tfjs/layers-model.js';
import type { ProgressReporter } from '../../progress.js';

export interface DigitsPopulations {
  readonly data: DigitsData;
  readonly base: TfjsLayersModel[];
  readonly compressed: TfjsLayersModel[];
  readonly summaries: CompressionSummary[];
  readonly seeds: number[];
  /** How many models came from the cache or the committed demo model instead of training. */
  readonly reused: number;
}

/**
 * The digits demo's populations: CNNs trained on the same split with seeds seed … seed + size − 1 (seed 0
 * is the committed demo model), and a compressed copy of each, fine-tuned on the training split with its
 * pruning masks. With `cache`, each model is saved there and reused when its fingerprint matches.
 */
export async function digitsPopulations(options: { size: number; seed: number; spec: CompressionSpec; fineTuneEpochs: number; cache?: string; progress: ProgressReporter; signal?: AbortSignal }): Promise<DigitsPopulations> {
  const demo = await loadDigitsDemo({ seed: 0, onProgress: () => undefined });
  const data = demo.data;
  const seeds = Array.from({ length: options.size }, (_, m) => options.seed + m);
  const base: TfjsLayersModel[] = [];
  const compressed: TfjsLayersModel[] = [];
  const summaries: CompressionSummary[] = [];
  let reused = 0;
  const total = 2 * options.size;
  const trainRows = rowsWhere(data.isTest, 0);
  const fineTune = {
    data: { x: gather(data, trainRows), y: Float32Array.from(trainRows, (r) => data.labels[r]!) },
    epochs: options.fineTuneEpochs,
    batchSize: 64,
    learningRate: 1e-3,
  };
  for (const [m, seed] of seeds.entries()) {
    options.progress.update(2 * m, total, `base model ${m + 1}/${options.size} (seed ${seed})`);
    const fingerprint = JSON.stringify({ population: digitsFingerprint(0), trainSeed: seed });
    let model = seed === 0 && demo.modelSource === 'artifact' ? (demo.model as TfjsLayersModel) : options.cache ? await loadMatchingModel(join(options.cache, `base-${seed}`), fingerprint) : undefined;
    if (model) reused++;
    else {
      model = await trainDigitsModel(data, seed, undefined, options.signal);
      if (options.cache) await model.save(join(options.cache, `base-${seed}`), { fingerprint });
    }
    base.push(model);
    options.progress.update(2 * m + 1, total, `compressing model ${m + 1}/${options.size}`);
    const key = JSON.stringify({ base: fingerprint, spec: options.spec, fineTuneEpochs: options.fineTuneEpochs });
    const dir = options.cache ? join(options.cache, `compressed-${hash(key)}-${seed}`) : undefined;
    const cached = dir ? await loadMatchingModel(dir, key) : undefined;
    if (cached) {
      // the fine-tuned weights come from the cache; the compression summary is recomputed (cheap, no training)
      const { model: copy, summary } = await compressModel(model, options.spec);
      await copy.dispose();
      compressed.push(cached);
      summaries.push(summary);
      reused++;
      continue;
    }
    const [result] = await compressPopulation([model], options.spec, { fineTune: { ...fineTune, seed }, ...(options.signal ? { signal: options.signal } : {}) });
    compressed.push(result!.model);
    if (dir) await result!.model.save(dir, { fingerprint: key });
    summaries.push(result!.summary);
  }
  options.progress.update(total, total, 'populations ready');
  return { data, base, compressed, summaries, seeds, reused };
}

function rowsWhere(flags: Uint8Array, value: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i] === value) rows.push(i);
  return rows;
}

/** Images of the given rows as one [n, 28, 28, 1] tensor. */
export function gather(data: DigitsData, rows: readonly number[]): { data: Float32Array; shape: number[] } {
  const size = 784;
  const out = new Float32Array(rows.length * size);
  rows.forEach((r, i) => out.set(data.images.data.subarray(r * size, (r + 1) * size), i * size));
  return { data: out, shape: [rows.length, 28, 28, 1] };
}

export function testRows(data: DigitsData): number[] {
  return rowsWhere(data.isTest, 1);
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}
