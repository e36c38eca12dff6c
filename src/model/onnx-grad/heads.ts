import type { GraphIR } from './graph-ir.js';
import type { T, TF } from './op-context.js';

/**
 * How a graph's output relates to logits and probabilities: a trailing Softmax (logits = its input),
 * a trailing Sigmoid on one column (binary; logits [0, z]), or raw scores (logits; softmax gives
 * probabilities for classification, the values themselves for regression).
 */
export interface Head {
  readonly kind: 'softmax' | 'sigmoid' | 'raw';
  /** Tensor whose value is (or holds) the logits. */
  readonly logitsTensor: string;
}

export function detectHead(graph: GraphIR, outputName: string): Head {
  const producer = graph.nodes.find((n) => n.outputs.includes(outputName));
  if (producer?.opType === 'Softmax' && producer.inputs[0]) return { kind: 'softmax', logitsTensor: producer.inputs[0] };
  if (producer?.opType === 'Sigmoid' && producer.inputs[0]) return { kind: 'sigmoid', logitsTensor: producer.inputs[0] };
  return { kind: 'raw', logitsTensor: outputName };
}

/** The [n, k] logits from the head's tensor; a binary model's single logit z becomes [0, z]. */
export function headLogits(tf: TF, value: T, binary: boolean): T {
  const flat = tf.reshape(value, [value.shape[0]!, -1]);
  if (binary && flat.shape[1] === 1) return tf.concat([tf.zerosLike(flat), flat], 1);
  return flat;
}

/** The [n, k] probabilities (or regression values) from the logits. */
export function headProbabilities(tf: TF, logits: T, regression: boolean): T {
  if (regression) return logits;
  return tf.softmax(logits);
}
