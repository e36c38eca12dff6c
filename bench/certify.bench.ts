/**
 * Certified accuracy of IBP, CROWN-IBP and CROWN on mnist/cnn.onnx, the first 200 test images of the
 * reference split (pixels from the `mnist` package, as in samples.json), at ε ∈ {0.001, 0.005, 0.01, 0.02},
 * with the time per image. Beside each ε: robust accuracy under PGD-20 (an upper bound that every
 * certified accuracy must stay below). `CERTIFY_N` changes the number of images, `CERTIFY_MODEL` the model
 * (e.g. cka/cnn_seed1.onnx).
 *
 * Run alone: `npx tsx bench/certify.bench.ts`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadOnnxGradModel } from '../src/model/onnx-grad/public.js';
import { robustAccuracyCurve } from '../src/robust/attacks/public.js';
import { boundGraphFromOnnx, certifyRobustness, type BoundMethod } from '../src/robust/certify/public.js';
import { REFERENCE_DIR as referenceDir } from '../test/support/reference.js';
import { printResults, type BenchResult } from './types.js';

const EPSILONS = [0.001, 0.005, 0.01, 0.02];
const METHODS: readonly BoundMethod[] = ['ibp', 'crown-ibp', 'crown'];

function testImages(n: number): { data: Float32Array; labels: Int32Array } {
  const split = JSON.parse(readFileSync(resolve(referenceDir, 'mnist/split.json'), 'utf8')) as { test: [number, number][] };
  const mnist = createRequire(import.meta.url)('mnist') as Record<number, { get(i: number): number[] }>;
  const data = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const [digit, index] = split.test[i]!;
    data.set(mnist[digit]!.get(index), i * 784);
    labels[i] = digit;
  }
  return { data, labels };
}

export async function run(): Promise<BenchResult[]> {
  const n = Number(process.env.CERTIFY_N ?? 200);
  const file = process.env.CERTIFY_MODEL ?? 'mnist/cnn.onnx';
  const { data, labels } = testImages(n);
  const x = { data, shape: [n, 1, 28, 28] };
  const graph = boundGraphFromOnnx(readFileSync(resolve(referenceDir, file)), [1, 28, 28]);
  const model = await loadOnnxGradModel(resolve(referenceDir, file), { engine: 'onnxruntime' });
  const pgd = await robustAccuracyCurve(model, x, labels, EPSILONS, { method: 'pgd', norm: 'linf', steps: 20, randomStart: true, seed: 0 });
  await model.dispose();
  const results: BenchResult[] = [];
  for (const epsilon of EPSILONS) {
    const upper = pgd.points.find((p) => p.epsilon === epsilon)!.accuracy;
    for (const method of METHODS) {
      const load = loadavg()[0]!.toFixed(1);
      const cpu = process.cpuUsage();
      const r = await certifyRobustness(graph, x, labels, { method, epsilon });
      const used = process.cpuUsage(cpu);
      const cpuPerImage = (used.user + used.system) / 1e6 / n;
      results.push({
        name: `${method.toUpperCase()} ${file}, ${n} test images, ε = ${epsilon}`,
        ours: r.seconds / n,
        unit: 's/row',
        note: `certified accuracy ${r.certifiedAccuracy.toFixed(3)} (PGD-20 robust accuracy ${upper.toFixed(3)}); CPU ${(cpuPerImage * 1000).toFixed(1)} ms per image; load ${load}`,
      });
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('Certified accuracy: IBP, CROWN-IBP, CROWN', await run());
