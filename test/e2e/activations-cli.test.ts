import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, writeNpy } from '../../src/data/npy.js';
import { runGlassbox } from '../support/cli.js';
import { mnistTestImages } from '../support/mnist-test-images.js';
import { referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('glassbox activations writes the reference CNN\'s layers', ['mnist/cnn.onnx', 'mnist/split.json', 'cka/activations_seed0_conv2.f32', 'cka/activations_seed0_dense.f32']);
const N = 300;

describe.skipIf(!HAS_REFERENCE)('glassbox activations writes the reference CNN\'s layers', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-activations-'));
    writeNpy(join(dir, 'x.npy'), (await mnistTestImages(N)).pixels, [N, 1, 28, 28]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('in batches that do not divide n: the torch activations within 1e-4, with a manifest', async () => {
    const out = join(dir, 'acts');
    const run = await runGlassbox(['activations', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--layers', '/pool2/MaxPool_output_0,/relu3/Relu_output_0', '--batch-size', '128', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'activations.json'), 'utf8')) as { layers: { name: string; file: string; shape: number[] }[] };
    expect(manifest.layers.map((l) => l.shape)).toEqual([[N, 16, 7, 7], [N, 64]]);
    for (const [layer, file] of [[manifest.layers[0]!, 'cka/activations_seed0_conv2.f32'], [manifest.layers[1]!, 'cka/activations_seed0_dense.f32']] as const) {
      const ours = readNpy(join(out, layer.file)).data as Float32Array;
      const bytes = readFileSync(referencePath(file));
      const torch = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i]! - torch[i]!));
      expect(worst).toBeLessThan(1e-4);
    }
  }, 60_000);

  it('--format parquet writes the same values with 0-based data row ids, streamed in batches', async () => {
    const out = join(dir, 'parquet');
    const layers = '/relu3/Relu_output_0';
    const run = await runGlassbox(['activations', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--layers', layers, '--rows', '40:200', '--batch-size', '64', '--format', 'parquet', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const npy = join(dir, 'npy');
    expect((await runGlassbox(['activations', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--layers', layers, '--rows', '40:200', '--out', npy, '--quiet'])).code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'activations.json'), 'utf8')) as { format: string; layers: { file: string; shape: number[] }[] };
    expect(manifest.format).toBe('parquet');
    expect(manifest.layers[0]!.file).toMatch(/\.parquet$/);
    const expected = readNpy(join(npy, manifest.layers[0]!.file.replace(/\.parquet$/, '.npy'))).data as Float32Array;
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const rows = (await c.runAndReadAll(`SELECT row_id, "values" FROM '${join(out, manifest.layers[0]!.file)}'`)).getRowsJson() as [number, number[]][];
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 160 }, (_, i) => 40 + i));
    rows.forEach(([, v], i) => expect(v).toEqual(Array.from(expected.subarray(i * 64, i * 64 + 64))));
    c.closeSync();
    db.closeSync();
  }, 60_000);

  it('refuses an unknown layer before writing anything', async () => {
    const out = join(dir, 'never');
    const run = await runGlassbox(['activations', '--model', referencePath('mnist/cnn.onnx'), '--data', join(dir, 'x.npy'), '--layers', 'conv9', '--out', out, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no tensor named "conv9"/);
    await expect(readFile(join(out, 'activations.json'))).rejects.toThrow();
  });
});
