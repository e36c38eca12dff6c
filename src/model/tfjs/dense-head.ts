import { GlassboxError } from '../../errors.js';
import type { DenseHead } from '../dense-head.js';
import type { TfjsLayersModel } from './layers-model.js';

/**
 * The last Dense layer of a TF.js model as a DenseHead: the model must end with that Dense layer
 * (softmax, sigmoid or linear activation), optionally followed by one Softmax/Activation layer; the
 * features are the output of the layer before it (the penultimate activations).
 */
export function tfjsDenseHead(model: TfjsLayersModel): DenseHead {
  const layers = model.model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const activationOf = (i: number): string | undefined => (layers[i]?.getConfig() as { activation?: string } | undefined)?.activation;
  let index = layers.length - 1;
  const last = layers[index]!.getClassName();
  let activation: string | undefined;
  if (last === 'Dense') activation = activationOf(index);
  else if (last === 'Softmax' || last === 'Activation') {
    activation = last === 'Softmax' ? 'softmax' : activationOf(index);
    index--;
    if (activationOf(index) !== 'linear') activation = undefined;
  }
  const dense = layers[index];
  const previous = layers[index - 1];
  if (activation === 'linear' && model.task !== 'regression') activation = model.outputWidth === 2 && dense?.getWeights()[0]?.shape[1] === 1 ? 'sigmoid' : 'softmax';
  if (!dense || dense.getClassName() !== 'Dense' || !previous || (activation !== 'softmax' && activation !== 'sigmoid')) {
    throw new GlassboxError('unsupported_model', `TF.js model "${model.model.name}" does not end with a Dense layer (then at most a softmax/sigmoid), so it has no dense last layer to read`, {
      hint: `Its last layers are ${layers.slice(-3).map((l) => `${l.name} (${l.getClassName()})`).join(', ')}.`,
    });
  }
  const [kernel, bias] = dense.getWeights();
  const [d, k] = kernel!.shape as [number, number];
  const weights = Float64Array.from(kernel!.dataSync());
  const b = bias ? Float64Array.from(bias.dataSync()) : new Float64Array(k);
  const head: 'softmax' | 'sigmoid' = activation;
  return {
    inputs: d,
    outputs: k,
    weights,
    bias: b,
    activation: head,
    description: `TF.js Dense "${dense.name}" (${d} → ${k})`,
    featureName: previous.name,
    async features(x) {
      const out = await model.activations(x, [previous.name]);
      const t = out[previous.name]!;
      if (t.data.length !== x.shape[0]! * d) throw new GlassboxError('unsupported_model', `TF.js layer "${previous.name}" gives ${t.data.length / x.shape[0]!} values per row, but Dense "${dense.name}" takes ${d}`, {});
      return t.data;
    },
  };
}
