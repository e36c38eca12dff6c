/**
 * PGD on mnist/cnn.onnx beside PyTorch: 2,000 MNIST images × 20 steps, L∞ ε = 0.1, step 2.5·ε/20,
 * random start, loss gradients from the onnxruntime engine's compiled cross-entropy head. The
 * reference is PyTorch (torchattacks-style PGD, 2 threads) at about 6.8 s whole process on this
 * machine class (issue #12). Timed twice: in process (median of 3, model loaded; also its CPU time),
 * and whole process through the CLI (`glassbox attack …`, process start to exit, including loading
 * Node, the model and the data and writing adv.npy), which is the like-for-like comparison.
 * The images are the reference split's 1,500 test images then its first 500 training images.
 *
 * Run alone: `npx tsx bench/pgd.bench.ts` (the CLI line uses dist/ when built, else tsx).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeNpy } from '../src/data/npy.js';
import { loadOnnxGradModel } from '../src/model/onnx-grad/public.js';
import type { Tensor } from '../src/model/tensor.js';
import { runAttack } from '../src/robust/attacks/public.js';
import { REFERENCE_DIR as referenceDir } from '../test/support/reference.js';
import { printResults, timeMedian, type BenchResult } from './types.js';
import { mnistTestThenTrain } from '../test/support/mnist-test-images.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const PYTORCH_SECONDS = 6.8;
const N = 2000;
const STEPS = 20;

function images(n: number): { x: Tensor; labels: Int32Array } {
  const { pixels, labels } = mnistTestThenTrain(n);
  return { x: { data: pixels, shape: [n, 1, 28, 28] }, labels };
}

function cliTime(args: string[]): { seconds: number; ok: boolean; stderr: string } {
  const dist = resolve(root, 'dist/cli/main.js');
  const command = existsSync(dist) ? [dist] : ['--import', 'tsx', resolve(root, 'src/cli/main.ts')];
  const start = process.hrtime.bigint();
  const out = spawnSync(process.execPath, [...command, ...args], { cwd: root, encoding: 'utf8' });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, ok: out.status === 0, stderr: out.stderr };
}

export async function run(): Promise<BenchResult[]> {
  const { x, labels } = images(N);
  const results: BenchResult[] = [];
  const load = `load ${loadavg()[0]!.toFixed(1)}`;
  for (const batchSize of [256, 1000]) {
    const model = await loadOnnxGradModel(resolve(referenceDir, 'mnist/cnn.onnx'), { batchSize });
    let accuracy = '';
    const cpu0 = process.cpuUsage();
    const seconds = await timeMedian(async () => {
      const r = await runAttack(model, x, labels, { method: 'pgd', epsilon: 0.1, steps: STEPS, seed: 0 });
      accuracy = `accuracy ${r.accuracyBefore.toFixed(3)} → ${r.accuracyAfter.toFixed(3)}`;
    }, 3, 1);
    const cpu = process.cpuUsage(cpu0);
    await model.dispose();
    results.push({
      name: `PGD-${STEPS} L∞ ε=0.1, ${N} mnist images, in process, onnxruntime batch ${batchSize}`,
      ours: seconds,
      reference: PYTORCH_SECONDS,
      unit: 's',
      referenceSource: 'PyTorch whole process (issue #12)',
      note: `${accuracy}; CPU ${((cpu.user + cpu.system) / 1e6 / 4).toFixed(2)} s per run; ${load}`,
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-pgd-'));
  try {
    writeNpy(join(dir, 'x.npy'), x.data, x.shape);
    writeNpy(join(dir, 'y.npy'), BigInt64Array.from(labels, (v) => BigInt(v)), [N]);
    const args = ['attack', '--model', resolve(referenceDir, 'mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--labels', join(dir, 'y.npy'), '--method', 'pgd', '--epsilon', '0.1', '--steps', String(STEPS), '--out', join(dir, 'adv.npy'), '--quiet'];
    const runs = [cliTime(args), cliTime(args), cliTime(args)];
    const failed = runs.find((r) => !r.ok);
    if (failed) throw new Error(`glassbox attack failed: ${failed.stderr}`);
    const median = runs.map((r) => r.seconds).sort((a, b) => a - b)[1]!;
    results.push({ name: `PGD-${STEPS} L∞, ${N} mnist images, whole process (glassbox attack CLI${existsSync(resolve(root, 'dist/cli/main.js')) ? ', dist' : ', tsx'})`, ours: median, reference: PYTORCH_SECONDS, unit: 's', referenceSource: 'PyTorch whole process (issue #12)', note: `median of 3; ${load}` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('PGD against PyTorch', await run());
