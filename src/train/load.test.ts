import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mlpOnnx, randomMlp } from '../../test/support/tiny-nets.js';
import { isTrainable } from '../model/capabilities.js';
import { initTf, tf } from '../model/tfjs/backend.js';
import { reinitializeWeights } from '../model/tfjs/init.js';
import { TfjsLayersModel } from '../model/tfjs/layers-model.js';
import { loadTrainableModel } from './load.js';

describe('loadTrainableModel', () => {
  let dir = '';
  beforeAll(async () => {
    await initTf('wasm');
    dir = await mkdtemp(join(tmpdir(), 'glassbox-train-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads ONNX files and TF.js folders as Trainable models with the same predictions', async () => {
    const onnxPath = join(dir, 'mlp.onnx');
    await writeFile(onnxPath, mlpOnnx(randomMlp(1, 3, 4, 2), 'softmax'));
    const onnx = await loadTrainableModel(onnxPath);
    expect(isTrainable(onnx) && onnx.task).toBe('binary');
    const net = tf.sequential();
    net.add(tf.layers.dense({ inputShape: [3], units: 2, activation: 'softmax', name: 'out' }));
    reinitializeWeights(net, 2);
    const original = new TfjsLayersModel(net, { classes: ['no', 'yes'] });
    const folder = join(dir, 'tfjs');
    await original.save(folder);
    const x = { data: Float32Array.from([0.1, -1, 2, 0.5, 0.5, -0.3]), shape: [2, 3] };
    for (const location of [folder, join(folder, 'model.json')]) {
      const loaded = await loadTrainableModel(location);
      expect(isTrainable(loaded)).toBe(true);
      expect(loaded.classes).toEqual(['no', 'yes']);
      expect(await loaded.predict(x)).toEqual(await original.predict(x));
    }
  });

  it('refuses formats glassbox cannot train, naming the file', async () => {
    const path = join(dir, 'model.txt');
    await writeFile(path, 'tree\n');
    await expect(loadTrainableModel(path)).rejects.toMatchObject({ code: 'missing_capability', details: { file: path } });
  });
});
