import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, type OnnxModel } from '../../src/model/onnx.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

/**
 * `glassbox scan --model http://…/v2/models/NAME`: the german-credit MLP served over the KServe v2
 * protocol by a real local server. The scan through HTTP must reproduce the reference accuracy.
 */
const HAS_REFERENCE = useReference('glassbox scan of a model behind a KServe v2 endpoint', ['german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('glassbox scan of a model behind a KServe v2 endpoint', () => {
  let server: Server;
  let model: OnnxModel;
  let url: string;
  let requests = 0;

  beforeAll(async () => {
    model = await loadOnnxModel(referencePath('german-credit/mlp.onnx'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        requests++;
        const input = (JSON.parse(body) as { inputs: { shape: number[]; data: number[] }[] }).inputs[0]!;
        void model.predict({ data: Float32Array.from(input.data), shape: input.shape }).then((y) => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ model_name: 'credit', outputs: [{ name: 'probabilities', shape: [input.shape[0], 2], datatype: 'FP32', data: Array.from(y) }] }));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/models/credit`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await model.dispose();
  });

  it('audits the test split through HTTP and matches the reference accuracy', async () => {
    const out = await mkdtemp(join(tmpdir(), 'glassbox-http-'));
    try {
      const run = await runGlassbox([
        'scan', '--data', join(DATASETS_DIR, 'german_credit.csv'), '--schema', referencePath('german-credit/schema.json'),
        '--model', url, '--preprocess', referencePath('german-credit/preprocess.json'), '--out', out, '--quiet',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { findings: { id: string; value: number }[] };
      expect(results.findings.find((f) => f.id === 'overall-performance/accuracy')?.value).toBeCloseTo(0.7471, 4);
      expect(requests).toBeGreaterThan(0);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});
