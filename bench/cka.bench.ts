/**
 * Linear CKA on two 10,000 × 512 float32 matrices (the timings.json `cka` workload: X ~ N(0, 1),
 * Y = tanh(X W / √512) + 0.1 N(0, 1)), three ways:
 * - in-process: `cka(…, { engine: 'onnxruntime' })` against numpy's compute-only median in timings.json;
 * - whole process: `node dist/cli/main.js cka --x x.npy --y y.npy` against a live
 *   `python3 -c "import numpy …"` doing the same from the same files (when python3 with numpy is on
 *   this machine; otherwise that line has no reference). Needs `npm run build` first.
 * Run alone: `npx tsx bench/cka.bench.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeNpy } from '../src/data/npy.js';
import { cka } from '../src/represent/cka/cka.js';
import { Rng } from '../src/rng.js';
import { referenceDir } from '../test/conformance/german-credit.js';
import { printResults, timeMedian, type BenchResult } from './types.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const N = 10_000;
const D = 512;

function workload(): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(0);
  const x = Float32Array.from({ length: N * D }, () => rng.normal());
  const w = Float64Array.from({ length: D * D }, () => rng.normal() / Math.sqrt(D));
  const y = new Float32Array(N * D);
  const row = new Float64Array(D);
  for (let i = 0; i < N; i++) {
    row.fill(0);
    for (let k = 0; k < D; k++) {
      const v = x[i * D + k]!;
      for (let j = 0; j < D; j++) row[j]! += v * w[k * D + j]!;
    }
    for (let j = 0; j < D; j++) y[i * D + j] = Math.tanh(row[j]!) + 0.1 * rng.normal();
  }
  return { x, y };
}

/** Median wall seconds of a spawned command (one warm-up run first, so files are in the page cache). */
function wall(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, runs = 9): { seconds: number; stdout: string } {
  const times: number[] = [];
  let stdout = '';
  for (let r = 0; r < runs + 1; r++) {
    const start = process.hrtime.bigint();
    const done = spawnSync(command, args, { cwd: root, encoding: 'utf8', env });
    if (done.status !== 0) throw new Error(`${command} failed: ${done.stderr}`);
    if (r > 0) times.push(Number(process.hrtime.bigint() - start) / 1e9);
    stdout = done.stdout;
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, stdout };
}

const NUMPY = `
import sys, numpy as np
X = np.load(sys.argv[1]); Y = np.load(sys.argv[2])
Xc = X - X.mean(0); Yc = Y - Y.mean(0)
print(np.linalg.norm(Yc.T @ Xc) ** 2 / (np.linalg.norm(Xc.T @ Xc) * np.linalg.norm(Yc.T @ Yc)))
`;

export async function run(): Promise<BenchResult[]> {
  const { x, y } = workload();
  const results: BenchResult[] = [];
  const timings = resolve(referenceDir, 'timings.json');
  const numpyCompute = existsSync(timings) ? (JSON.parse(readFileSync(timings, 'utf8')) as { sections: { cka: { results: { linear_cka_10000x512_float32: { median_s: number } } } } }).sections.cka.results.linear_cka_10000x512_float32.median_s : undefined;
  let value = 0;
  const inProcess = await timeMedian(async () => (value = (await cka({ data: x, rows: N, cols: D }, { data: y, rows: N, cols: D }, { engine: 'onnxruntime' })).cka), 5, 1);
  results.push({ name: 'linear CKA 10,000 × 512 float32, in process (onnxruntime sgemm)', ours: inProcess, ...(numpyCompute ? { reference: numpyCompute, referenceSource: 'timings.json cka (numpy + OpenBLAS, compute only)' } : {}), unit: 's', note: `CKA ${value.toFixed(6)}` });
  const dir = resolve(root, 'bench/.data');
  mkdirSync(dir, { recursive: true });
  const xPath = resolve(dir, 'cka-x.npy');
  const yPath = resolve(dir, 'cka-y.npy');
  writeNpy(xPath, x, [N, D]);
  writeNpy(yPath, y, [N, D]);
  const main = resolve(root, 'dist/cli/main.js');
  if (!existsSync(main)) return [...results, { name: 'whole process: run `npm run build` first', ours: Number.NaN, unit: 's' }];
  const python = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  const numpy = python.status === 0 ? wall('python3', ['-c', NUMPY, xPath, yPath]) : undefined;
  const wholeProcess = (label: string, env?: NodeJS.ProcessEnv): void => {
    const ours = wall(process.execPath, [main, 'cka', '--x', xPath, '--y', yPath], env);
    results.push({
      name: `linear CKA 10,000 × 512 float32, whole process (CLI from .npy files)${label}`,
      ours: ours.seconds,
      ...(numpy ? { reference: numpy.seconds, referenceSource: 'python3 + numpy on the same files, live' } : {}),
      unit: 's',
      note: `ours ${(JSON.parse(ours.stdout) as { cka: number }).cka.toFixed(6)}${numpy ? `, numpy ${Number(numpy.stdout).toFixed(6)}` : ', numpy not installed here'}`,
    });
  };
  wholeProcess('');
  // Node parses every certificate in NODE_EXTRA_CA_CERTS at startup (~30 ms for a system bundle), before any
  // script runs; Python does not. When the machine sets it, also show the figure without it.
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const { NODE_EXTRA_CA_CERTS: _certificates, ...withoutExtraCertificates } = process.env;
    wholeProcess(' — NODE_EXTRA_CA_CERTS unset', withoutExtraCertificates);
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) printResults('cka', await run());
