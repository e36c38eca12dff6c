import { GlassboxError } from '../../errors.js';
import { positiveInt } from '../batch-predict.js';
import type { InputSpec } from '../model.js';
import { mayHaveDropout } from '../onnx-dropout-rewrite.js';
import { loadOnnxModel, readModelFile } from '../onnx.js';
import { resolveTask } from '../output-transform.js';
import { initTf } from '../tfjs/backend.js';
import { OnnxGradModel, type OnnxGradOptions } from './adapter.js';
import { decodeOnnx } from './graph-ir.js';
import { detectHead } from './heads.js';
import { setUpOrtEngine } from './ort-setup.js';

/**
 * Loads an ONNX file (or bytes) for gradient-based explanation with the tfjs interpreter. Every op
 * is checked at load time; an unsupported one throws `unsupported_model` naming the op and node.
 */
export async function loadOnnxGradModel(source: string | Uint8Array, options: OnnxGradOptions = {}): Promise<OnnxGradModel> {
  const file = typeof source === 'string' ? source : 'ONNX model';
  const batchSize = positiveInt(options.batchSize, 128, 'batchSize', file);
  const bytes = typeof source === 'string' ? await readModelFile(source) : source;
  const graph = decodeOnnx(bytes, file);
  const tf = await initTf(options.backend ?? 'wasm');
  const input = graph.inputs[0];
  if (!input || graph.inputs.length !== 1) {
    throw new GlassboxError('unsupported_model', `${file}: the gradient interpreter needs exactly one graph input, found ${graph.inputs.length}.`, { file, hint: 'Export the model with a single input tensor.' });
  }
  const outputName = options.outputName ?? graph.outputs[0]?.name ?? '';
  if (!graph.outputs.some((o) => o.name === outputName)) {
    throw new GlassboxError('invalid_argument', `${file}: no graph output '${outputName}'.`, { file, argument: 'outputName', hint: `Outputs: ${graph.outputs.map((o) => o.name).join(', ')}` });
  }
  const head = detectHead(graph, outputName);
  const declared = graph.outputs.find((o) => o.name === outputName)?.shape ?? [];
  const lastDim = declared.length > 1 ? declared[declared.length - 1] : undefined;
  const rawWidth = typeof lastDim === 'number' ? lastDim : undefined;
  const { task, classes } = resolveTask(options, head.kind === 'sigmoid' && rawWidth === 1 ? 2 : rawWidth, file);
  const outputWidth = task === 'regression' ? rawWidth ?? 1 : task === 'binary' ? 2 : classes.length;
  const inputSpec: InputSpec = { name: input.name, shape: input.shape.map((d, i) => (i === 0 ? null : d)), dtype: 'float32' };
  const engineMode = options.engine ?? 'auto';
  const engine = engineMode === 'tfjs' ? {} : await setUpOrtEngine({ bytes, graph, tf, inputName: input.name, inputDims: input.shape, head, task, batchSize, mode: engineMode });
  const { ort, note } = engine;
  const mcDropout = mayHaveDropout(bytes) && task !== 'regression' ? () => loadOnnxModel(bytes, { task, classes, outputName, batchSize: 1024 }) : undefined;
  return new OnnxGradModel({ tf, graph, source: file, inputName: input.name, inputSpec, head, task, classes, outputWidth, batchSize, engineMode, bytes, ...(ort ? { ort } : {}), ...(note ? { engineNote: note } : {}), ...(mcDropout ? { mcDropout } : {}) });
}
