/**
 * Throughput of the 15 ImageNet-C corruptions × 5 severities (issue 12 §1): 10,000 grey 28×28 digits
 * (the MNIST-C table) and 1,000 RGB 224×224 images (the ImageNet-C table), images per second per
 * corruption (all five severities) and in total. One thread, no model calls.
 *
 * There is no reference figure: the Python reference (hendrycks/robustness, imagecorruptions) is not
 * installed here, so no ratio is printed. GLASSBOX_BENCH_CORRUPTION_SCALE=0.05 runs 5% of the images
 * (a quick check that the bench works). Run alone: `npx tsx bench/corruptions.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { readDigitsSource } from '../src/demos/digits/data.js';
import type { Tensor } from '../src/model/tensor.js';
import { corruptImages } from '../src/robust/corruptions/corrupt.js';
import { CORRUPTION_NAMES } from '../src/robust/corruptions/types.js';
import { printResults, type BenchResult } from './types.js';

const SCALE = Number(process.env.GLASSBOX_BENCH_CORRUPTION_SCALE ?? '1');

function digits(n: number): Tensor {
  const { pixels } = readDigitsSource();
  const data = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) data.set(pixels.subarray((i % 10000) * 784, ((i % 10000) + 1) * 784), i * 784);
  return { data, shape: [n, 1, 28, 28] };
}

/** Colour test images [n, 224, 224, 3]: a digit enlarged 8× in a colour over a two-tone gradient (deterministic). */
function colourImages(n: number): Tensor {
  const { pixels } = readDigitsSource();
  const data = new Float32Array(n * 224 * 224 * 3);
  for (let i = 0; i < n; i++) {
    const hue = [0.2 + 0.6 * ((i * 37) % 100) / 100, 0.2 + 0.6 * ((i * 53) % 100) / 100, 0.2 + 0.6 * ((i * 71) % 100) / 100];
    const digit = (i * 97) % 10000;
    for (let y = 0; y < 224; y++) {
      for (let x = 0; x < 224; x++) {
        const ink = pixels[digit * 784 + Math.floor(y / 8) * 28 + Math.floor(x / 8)]!;
        for (let c = 0; c < 3; c++) {
          const background = 0.15 + 0.5 * ((c === 0 ? x : c === 1 ? y : x + y) / (c === 2 ? 448 : 224));
          data[((i * 224 + y) * 224 + x) * 3 + c] = (1 - ink) * background + ink * hue[c]!;
        }
      }
    }
  }
  return { data, shape: [n, 224, 224, 3] };
}

async function throughput(label: string, x: Tensor): Promise<BenchResult[]> {
  const n = x.shape[0]!;
  const results: BenchResult[] = [];
  let total = 0;
  for (const name of CORRUPTION_NAMES) {
    const start = process.hrtime.bigint();
    for (const severity of [1, 2, 3, 4, 5] as const) await corruptImages(x, name, severity, { seed: 0 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    total += seconds;
    results.push({ name: `${label} ${name} (5 severities)`, ours: (5 * n) / seconds, unit: 'rows/s', note: `${n} images × 5 in ${seconds.toFixed(2)} s` });
  }
  results.push({ name: `${label} all 75 settings`, ours: (75 * n) / total, unit: 'rows/s', note: `${(75 * n).toLocaleString('en')} corrupted images in ${total.toFixed(1)} s` });
  return results;
}

export async function run(): Promise<readonly BenchResult[]> {
  const small = Math.max(1, Math.round(10000 * SCALE));
  const large = Math.max(1, Math.round(1000 * SCALE));
  return [...(await throughput(`${small} × 28×28 grey (mnist table)`, digits(small))), ...(await throughput(`${large} × 224×224 RGB (imagenet table)`, colourImages(large)))];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('corruptions', await run());
