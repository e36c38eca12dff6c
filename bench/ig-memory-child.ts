/**
 * Child process of gradients.bench.ts: peak resident memory of Integrated Gradients (100 mnist-sized
 * images × 64 steps) at one internal batch size, measured in a fresh process so that every batch size
 * starts from the same state. Prints `{ "loadedMB", "peakMB" }`: maxRSS after loading the model and
 * one warm-up call, and after the run.
 */
import { resolve } from 'node:path';
import { integratedGradients } from '../src/explain/gradients/public.js';
import { loadOnnxGradModel } from '../src/model/onnx-grad/public.js';

const [modelPath, batchText, engine] = process.argv.slice(2);
const batch = Number(batchText);
const model = await loadOnnxGradModel(resolve(modelPath!), { batchSize: 1000, engine: engine === 'tfjs' ? 'tfjs' : 'onnxruntime' });
const images = 100;
const x = { data: Float32Array.from({ length: images * 784 }, (_, i) => ((i * 7919) % 1000) / 1000), shape: [images, 1, 28, 28] };
const target = Int32Array.from({ length: images }, (_, i) => i % 10);
const ig = integratedGradients({ steps: 64, internalBatchSize: batch });
await ig.explain(model, { data: x.data.subarray(0, 784), shape: [1, 1, 28, 28] }, { target: target.subarray(0, 1) });
const loaded = process.resourceUsage().maxRSS / 1024;
await ig.explain(model, x, { target });
const peak = process.resourceUsage().maxRSS / 1024;
await model.dispose();
process.stdout.write(`${JSON.stringify({ loadedMB: loaded, peakMB: peak })}\n`);
