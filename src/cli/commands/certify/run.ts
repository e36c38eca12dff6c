import { readFile } from 'node:fs/promises';
import { readNpy } from '../../../data/npy.js';
import { GlassboxError } from '../../../errors.js';
import { decodeOnnx } from '../../../model/onnx-grad/graph-ir.js';
import type { Tensor } from '../../../model/tensor.js';
import type { BoundGraph } from '../../../robust/certify/bound-graph.js';
import { certifyBlocks } from '../../../robust/certify/blocks.js';
import { certifyRobustness, type CertifyResult } from '../../../robust/certify/certify.js';
import { boundGraphFromOnnx } from '../../../robust/certify/from-onnx.js';
import type { BoundMethod } from '../../../robust/certify/propagate.js';
import { labelsFile } from '../../image-inputs.js';
import { parseChoice, parseRowRange } from '../../options.js';
import { demoTestImages } from '../../demo-test-images.js';
import { createProgress } from '../../progress.js';
import { renderBlocks } from '../../render.js';

export interface CertifyFlags {
  model?: string;
  data?: string;
  labels?: string;
  demo?: string;
  method?: string;
  epsilon: string;
  clip?: string;
  rows?: string;
  output?: string;
  quiet?: boolean;
  format?: string;
}

interface CertifyInputs {
  readonly graph: BoundGraph;
  readonly x: Tensor;
  readonly labels: Int32Array;
  readonly rowIds: Int32Array;
  readonly source: string;
}

/** `glassbox certify`: IBP / CROWN bounds and certified accuracy for rows of a .npy file or the digits demo. */
export async function runCertify(flags: CertifyFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'table');
  const method = parseChoice('--method', flags.method, ['ibp', 'crown', 'crown-ibp', 'both'] as const, 'crown');
  const epsilon = Number(flags.epsilon);
  if (!Number.isFinite(epsilon) || epsilon < 0) throw new GlassboxError('invalid_argument', `--epsilon must be a number ≥ 0; got "${flags.epsilon}".`, { argument: '--epsilon', hint: 'For images in [0, 1], try --epsilon 0.01.' });
  const clip = parseClip(flags.clip);
  const inputs = await loadCertifyInputs(flags);
  const methods: BoundMethod[] = method === 'both' ? ['ibp', 'crown'] : [method];
  const progress = createProgress({ quiet: Boolean(flags.quiet) });
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const results: CertifyResult[] = [];
  let correct: Uint8Array = new Uint8Array(0);
  try {
    for (const m of methods) {
      const n = inputs.labels.length;
      results.push(
        await certifyRobustness(inputs.graph, inputs.x, inputs.labels, {
          method: m,
          epsilon,
          clip,
          signal: controller.signal,
          onProgress: (done) => progress.update(results.length * n + done, methods.length * n, `${m} ε=${epsilon}`),
        }),
      );
    }
    // the float64 forward pass (IBP at ε = 0) gives the clean predictions beside the certificates
    const clean = await certifyRobustness(inputs.graph, inputs.x, inputs.labels, { method: 'ibp', epsilon: 0, clip: null, signal: controller.signal });
    correct = cleanCorrect(clean, inputs.labels);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
  const cleanAccuracy = correct.reduce((a, b) => a + b, 0) / Math.max(1, correct.length);
  if (format === 'json') {
    const json = results.map((r) => resultJson(r));
    const common = { epsilon, clip, source: inputs.source, rowIds: Array.from(inputs.rowIds), labels: Array.from(inputs.labels), cleanAccuracy };
    const body = json.length === 1 ? { ...common, ...json[0] } : { ...common, results: json };
    process.stdout.write(`${JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`);
    return;
  }
  process.stdout.write(await renderBlocks(format, `glassbox certify · ${inputs.source}`, certifyBlocks(results, correct)));
}

/** 1 where the logits at the example itself (lower = upper at ε = 0) rank the label first. */
function cleanCorrect(r: CertifyResult, labels: Int32Array): Uint8Array {
  const K = r.classes;
  return Uint8Array.from({ length: r.rows }, (_, i) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (r.lower[i * K + k]! > r.lower[i * K + best]!) best = k;
    return best === labels[i] ? 1 : 0;
  });
}

function resultJson(r: CertifyResult): Record<string, unknown> {
  const K = r.classes;
  const matrix = (m: Float64Array): number[][] => Array.from({ length: r.rows }, (_, i) => Array.from(m.subarray(i * K, (i + 1) * K)));
  return {
    method: r.method,
    boundsOn: r.skippedHead ? `logits before ${r.skippedHead}` : 'model output',
    certifiedAccuracy: r.certifiedAccuracy,
    certified: Array.from(r.certified, (c) => c === 1),
    margin: Array.from(r.margin),
    lower: matrix(r.lower),
    upper: matrix(r.upper),
  };
}

function parseClip(value: string | undefined): readonly [number, number] | null {
  if (value === undefined) return [0, 1];
  if (value.trim().toLowerCase() === 'none') return null;
  const parts = value.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
    throw new GlassboxError('invalid_argument', `--clip must be min,max with min < max, or 'none'; got "${value}".`, { argument: '--clip', hint: 'Images in [0, 1]: --clip 0,1.' });
  }
  return [parts[0]!, parts[1]!];
}

async function loadCertifyInputs(flags: CertifyFlags): Promise<CertifyInputs> {
  if (flags.demo !== undefined) {
    if (flags.model || flags.data) throw new GlassboxError('invalid_argument', '--demo cannot be combined with --model or --data.', { argument: '--demo', hint: 'Use either --demo digits or --model M --data x.npy --labels y.npy.' });
    return loadDemoInputs(flags.demo, flags.rows);
  }
  if (!flags.model || !flags.data || !flags.labels) {
    throw new GlassboxError('invalid_argument', 'certify needs --model, --data and --labels (or --demo digits).', { hint: 'e.g. glassbox certify --model cnn.onnx --data x.npy --labels y.npy --epsilon 0.01' });
  }
  if (!flags.model.toLowerCase().endsWith('.onnx')) {
    throw new GlassboxError('unsupported_model', `${flags.model}: certify reads ONNX models (and the digits demo's TF.js CNN through --demo digits).`, { file: flags.model, hint: 'Export the network to ONNX (torch.onnx.export).' });
  }
  const bytes = await readFile(flags.model).catch((error: NodeJS.ErrnoException) => {
    throw new GlassboxError('io_error', `${flags.model}: cannot read the model file (${error.code ?? error.message}).`, { file: flags.model, hint: 'Check the --model path.' });
  });
  const ir = decodeOnnx(bytes, flags.model);
  const array = readNpy(flags.data);
  if (array.data instanceof BigInt64Array) throw new GlassboxError('invalid_input', `${flags.data} holds int64 values; certify needs float input.`, { file: flags.data, hint: 'Save the tensor as float32.' });
  const n = array.shape[0] ?? 0;
  const rowSize = array.shape.slice(1).reduce((a, b) => a * b, 1);
  const declared = ir.inputs[0]?.shape.slice(1) ?? [];
  const staticDims = declared.every((d): d is number => d !== null) ? declared : undefined;
  const dims = staticDims && staticDims.reduce((a, b) => a * b, 1) === rowSize ? staticDims : array.shape.slice(1);
  const graph = boundGraphFromOnnx(ir, dims, { ...(flags.output ? { output: flags.output } : {}), file: flags.model });
  const labels = labelsFile(flags.labels, n);
  const [start, end] = parseRowRange(flags.rows, n);
  const data = Float32Array.from(array.data.subarray(start * rowSize, end * rowSize) as ArrayLike<number>);
  return {
    graph,
    x: { data, shape: [end - start, ...dims] },
    labels: labels.subarray(start, end),
    rowIds: Int32Array.from({ length: end - start }, (_, i) => start + i),
    source: flags.model,
  };
}

async function loadDemoInputs(name: string, rows: string | undefined): Promise<CertifyInputs> {
  if (name !== 'digits') throw new GlassboxError('invalid_argument', `--demo ${name}: certified bounds apply to the image demo only (digits).`, { argument: '--demo', hint: 'Use --demo digits.' });
  const { loadDemo } = await import('../../../demos/index.js');
  const { boundGraphFromTfjs } = await import('../../../robust/certify/from-tfjs.js');
  const demo = await loadDemo('digits', { seed: 0 });
  const layers = (demo.model as unknown as { model?: Parameters<typeof boundGraphFromTfjs>[0] }).model;
  if (!layers) throw new GlassboxError('unsupported_model', 'The digits demo model is not a TF.js layers model.', {});
  const graph = boundGraphFromTfjs(layers, demo.inputs.shape.slice(1));
  const { isTest, labels, images } = (demo as unknown as { data: { isTest: Uint8Array; labels: Int32Array; images: Tensor } }).data;
  const testImages = demoTestImages({ isTest, labels, images }, demo.table.rowIds, rows, 200);
  return {
    graph,
    ...testImages,
    source: 'demo:digits',
  };
}
