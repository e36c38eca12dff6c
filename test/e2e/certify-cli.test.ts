import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.js';
import { buildGraph, values } from '../fixtures/onnx/build-graph.js';
import { runGlassbox } from '../support/cli.js';

/** A two-layer ReLU MLP on 6 inputs with a Softmax head, a Sigmoid variant, and 5 rows with labels. */
function files(): { dir: string; model: string; sigmoid: string; x: string; y: string } {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-certify-'));
  const spec = (hidden: string) =>
    buildGraph({
      opset: 13,
      inputs: { x: [1, 6] },
      inits: { w1: { dims: [6, 8], values: values(48, 1) }, b1: { dims: [8], values: values(8, 2, -0.1, 0.1) }, w2: { dims: [8, 3], values: values(24, 3) } },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
        { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h'] },
        { op: hidden, inputs: ['h'], outputs: ['r'] },
        { op: 'MatMul', inputs: ['r', 'w2'], outputs: ['logits'] },
        { op: 'Softmax', inputs: ['logits'], outputs: ['probs'], attrs: { axis: 1 } },
      ],
      outputs: ['probs'],
    });
  const model = join(dir, 'mlp.onnx');
  const sigmoid = join(dir, 'sigmoid.onnx');
  writeFileSync(model, spec('Relu'));
  writeFileSync(sigmoid, spec('Sigmoid'));
  writeNpy(join(dir, 'x.npy'), Float32Array.from(values(30, 4, 0, 1)), [5, 6]);
  writeNpy(join(dir, 'y.npy'), Float32Array.from([0, 1, 2, 0, 1]), [5]);
  return { dir, model, sigmoid, x: join(dir, 'x.npy'), y: join(dir, 'y.npy') };
}

describe('glassbox certify', () => {
  const f = files();

  it('prints bounds n × K, certificates and certified accuracy as JSON, on the logits before the Softmax', async () => {
    const run = await runGlassbox(['certify', '--model', f.model, '--data', f.x, '--labels', f.y, '--method', 'crown', '--epsilon', '0.01', '--rows', '1:4', '--format', 'json', '--quiet']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { rowIds: number[]; lower: number[][]; upper: number[][]; certified: boolean[]; certifiedAccuracy: number; cleanAccuracy: number; method: string; epsilon: number; boundsOn: string };
    expect(json.rowIds).toEqual([1, 2, 3]);
    expect(json.method).toBe('crown');
    expect(json.epsilon).toBe(0.01);
    expect(json.boundsOn).toContain('Softmax');
    expect(json.lower).toHaveLength(3);
    expect(json.lower[0]).toHaveLength(3);
    json.lower.forEach((row, i) => row.forEach((l, k) => expect(l).toBeLessThanOrEqual(json.upper[i]![k]!)));
    expect(json.certifiedAccuracy).toBeCloseTo(json.certified.filter(Boolean).length / 3, 12);
    // a certified row is classified correctly at the example itself
    expect(json.cleanAccuracy).toBeGreaterThanOrEqual(json.certifiedAccuracy);
  });

  it('--method both shows IBP and CROWN side by side; both are deterministic', async () => {
    const args = ['certify', '--model', f.model, '--data', f.x, '--labels', f.y, '--method', 'both', '--epsilon', '0.05', '--quiet'];
    const table = await runGlassbox(args);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/IBP\s+0\.05/);
    expect(table.stdout).toMatch(/CROWN\s+0\.05/);
    const a = await runGlassbox([...args, '--format', 'json']);
    const b = await runGlassbox([...args, '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    expect((JSON.parse(a.stdout) as { results: { method: string }[] }).results.map((r) => r.method)).toEqual(['ibp', 'crown']);
  });

  it('refuses a model with an op that has no bound rule, naming it, with exit code 2', async () => {
    const run = await runGlassbox(['certify', '--model', f.sigmoid, '--data', f.x, '--labels', f.y, '--epsilon', '0.01', '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unsupported_model.*Sigmoid/);
  });

  it('rejects a bad --clip and a missing --labels before any work', async () => {
    expect((await runGlassbox(['certify', '--model', f.model, '--data', f.x, '--labels', f.y, '--epsilon', '0.01', '--clip', '1,0'])).stderr).toMatch(/--clip/);
    expect((await runGlassbox(['certify', '--model', f.model, '--data', f.x, '--epsilon', '0.01'])).stderr).toMatch(/--labels/);
  });

  it('certifies the digits demo CNN (TF.js) through the same bound rules', async () => {
    const run = await runGlassbox(['certify', '--demo', 'digits', '--rows', '0:3', '--method', 'crown', '--epsilon', '0.005', '--format', 'json', '--quiet']);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { rowIds: number[]; lower: number[][]; boundsOn: string; source: string };
    expect(json.source).toBe('demo:digits');
    expect(json.rowIds).toHaveLength(3);
    expect(json.lower[0]).toHaveLength(10);
    expect(json.boundsOn).toContain('softmax');
  }, 60_000);
});
