import * as tf from './tfjs-api.js';
import { GlassboxError } from '../../errors.js';
import type { Rng } from '../../rng.js';

type AnyLayer = tf.layers.Layer;
interface SymbolicRef {
  readonly id: number;
}

export interface ExecuteOptions {
  /** Passed to every layer's `call` (dropout active, batch-norm batch statistics…). */
  readonly training?: boolean;
  /**
   * Seeded dropout: Dropout layers draw their masks from this stream (and are active even when
   * `training` is false, as MC dropout needs); all other layers keep `training`.
   */
  readonly dropoutRng?: Rng;
  /** Replace the output of a layer with a given tensor (for gradients w.r.t. an intermediate tensor). */
  readonly override?: { readonly layer: string; readonly value: tf.Tensor };
  /** Layers whose outputs are returned besides the model output. */
  readonly capture?: readonly string[];
  /** Stop before this layer and return its input as `output`. */
  readonly stopBefore?: string;
}

export interface ExecuteResult {
  readonly output: tf.Tensor;
  readonly captured: readonly tf.Tensor[];
}

/** Dropout with a mask drawn from `rng` (inverted dropout, as Keras: kept units are scaled by 1/(1-rate)). */
function seededDropout(x: tf.Tensor, rate: number, rng: Rng): tf.Tensor {
  if (rate <= 0) return x;
  const mask = new Float32Array(x.size);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = rng.next() >= rate ? scale : 0;
  return tf.mul(x, tf.tensor(mask, x.shape));
}

/** The call node of `layer` whose inputs are all known. */
function pickNode(layer: AnyLayer, values: Map<number, tf.Tensor>): { inputs: SymbolicRef[]; outputs: SymbolicRef[] } {
  for (const node of layer.inboundNodes) {
    const inputs = node.inputTensors as unknown as SymbolicRef[];
    if (inputs.every((t) => values.has(t.id))) return { inputs, outputs: node.outputTensors as unknown as SymbolicRef[] };
  }
  throw new GlassboxError('unsupported_model', `TF.js layer "${layer.name}" has no call whose inputs are computed before it (shared or nested layers are not supported for this operation)`, {
    layer: layer.name,
    hint: 'Use a Sequential or plain functional model, or ask only for predictions.',
  });
}

function callLayer(layer: AnyLayer, inputs: tf.Tensor[], options: ExecuteOptions): tf.Tensor[] {
  const className = layer.getClassName();
  if (className === 'Dropout' && options.dropoutRng) {
    const config = layer.getConfig() as { rate?: number; noiseShape?: unknown };
    if (config.noiseShape == null) return [seededDropout(inputs[0]!, config.rate ?? 0, options.dropoutRng)];
  }
  const out = layer.apply(inputs.length === 1 ? inputs[0]! : inputs, { training: options.training ?? false }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/**
 * Runs a LayersModel layer by layer on a concrete input, so that intermediate outputs can be read,
 * replaced (for gradients w.r.t. them) and dropout can be seeded. Call inside `tf.tidy`/`tf.grad`.
 * Supports single-input models whose layers are each called once within the model.
 */
export function executeLayers(model: tf.LayersModel, x: tf.Tensor, options: ExecuteOptions = {}): ExecuteResult {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new GlassboxError('unsupported_model', `TF.js model "${model.name}" has ${model.inputs.length} inputs and ${model.outputs.length} outputs; glassbox supports one of each`, {
      hint: 'Wrap the model so it takes one input tensor and returns one output tensor.',
    });
  }
  const values = new Map<number, tf.Tensor>();
  values.set((model.inputs[0] as unknown as SymbolicRef).id, x);
  const byName = new Map<string, tf.Tensor>();
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const node = pickNode(layer, values);
    const inputs = node.inputs.map((t) => values.get(t.id)!);
    if (options.stopBefore === layer.name) return { output: inputs[0]!, captured: (options.capture ?? []).map((n) => byName.get(n)!) };
    let outputs = callLayer(layer, inputs, options);
    if (options.override?.layer === layer.name) outputs = [options.override.value];
    node.outputs.forEach((t, k) => values.set(t.id, outputs[k]!));
    byName.set(layer.name, outputs[0]!);
  }
  const output = values.get((model.outputs[0] as unknown as SymbolicRef).id);
  if (!output) throw new GlassboxError('internal', `TF.js model "${model.name}": the output was not computed by the layer walk`, {});
  const captured = (options.capture ?? []).map((name) => {
    const value = byName.get(name);
    if (!value) throw unknownLayer(model, name);
    return value;
  });
  return { output, captured };
}

export function unknownLayer(model: tf.LayersModel, name: string): GlassboxError {
  return new GlassboxError('invalid_argument', `TF.js model "${model.name}" has no layer "${name}"`, {
    argument: 'layer',
    hint: `Layers are: ${model.layers.filter((l) => l.getClassName() !== 'InputLayer').map((l) => l.name).join(', ')}`,
  });
}

/** Whether a model has Dropout layers (so MC-dropout sampling means something). */
export function hasDropout(model: tf.LayersModel): boolean {
  return model.layers.some((l) => l.getClassName() === 'Dropout');
}
