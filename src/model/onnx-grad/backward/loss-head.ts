import type { GraphEmitter } from './emitter.js';

/** Names of the compiled loss model's extra input and output. */
export const LABELS_INPUT = 'glassbox_onehot';
export const LOSS_OUTPUT = 'glassbox_loss';

/** A loss on the logits tensor, compiled into the graph in front of the backward pass. */
export interface LossSpec {
  readonly kind: 'cross-entropy';
  /** Columns of the raw logits tensor per row. */
  readonly rawWidth: number;
  /** A single raw logit z read as the binary logits [0, z]. */
  readonly binarySingle: boolean;
}

/**
 * Emits the per-row cross-entropy of the logits tensor `z` with one-hot labels (input
 * {@link LABELS_INPUT}, [n, k]) and its gradient with respect to `z`, in PyTorch's arithmetic order
 * (`F.cross_entropy` = NLL of `log_softmax`; its backward is `exp(log_softmax) − onehot`, per row,
 * without the batch mean's 1/B). A binary model's single logit z becomes [0, z] first (MatMul with
 * [[0, 1]]), and the gradient is read back from the second column. Returns the seed for the backward
 * pass (in `z`'s shape) and the per-row loss tensor.
 */
export function emitCrossEntropyHead(e: GraphEmitter, z: string, spec: LossSpec): { seed: string; loss: string } {
  const flat = e.op('Reshape', [z, e.int64s([-1, spec.rawWidth])]);
  const logits = spec.binarySingle ? e.op('MatMul', [flat, e.floats([0, 1], [1, 2])]) : flat;
  const logSoftmax = e.op('LogSoftmax', [logits], { axis: { int: 1 } });
  const picked = e.reduceSum(e.op('Mul', [logSoftmax, LABELS_INPUT]), [1], false);
  const loss = e.op('Neg', [picked]);
  const dLogits = e.op('Sub', [e.op('Exp', [logSoftmax]), LABELS_INPUT]);
  const dFlat = spec.binarySingle ? e.op('MatMul', [dLogits, e.floats([0, 1], [2, 1])]) : dLogits;
  return { seed: e.reshapeLike(dFlat, z), loss };
}
