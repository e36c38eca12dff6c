import { GlassboxError } from '../../errors.js';
import type { NodeIR } from '../../model/onnx-grad/graph-ir.js';
import type { Shape3 } from './bound-graph.js';
import { slidingExtent, type SlidingGeometry } from './ops/sliding.js';

export function unsupported(node: NodeIR, why: string, hint = 'Export the model with only Conv, Gemm/MatMul, BatchNormalization, Relu, MaxPool, AveragePool, Pad, Flatten/Reshape and Add on the path to the logits.'): GlassboxError {
  return new GlassboxError('unsupported_model', `Certified bounds: node '${node.name}' (op ${node.opType}) ${why}; no sound bound is returned.`, { node: node.name, op: node.opType, hint });
}

export function intAttr(node: NodeIR, name: string, fallback: number): number {
  const v = node.attrs.get(name);
  return typeof v === 'number' ? v : fallback;
}

export function intsAttr(node: NodeIR, name: string): readonly number[] | undefined {
  const v = node.attrs.get(name);
  return Array.isArray(v) ? (v as number[]) : undefined;
}

export function strAttr(node: NodeIR, name: string, fallback: string): string {
  const v = node.attrs.get(name);
  return typeof v === 'string' ? v : fallback;
}

/** Kernel, stride, padding and dilation of a 2-D Conv/MaxPool/AveragePool node, with its output shape. */
export function slidingGeometry(node: NodeIR, input: Shape3, outChannels: number, kernelFromWeight?: readonly number[]): SlidingGeometry & { ceil: boolean } {
  const kernel = intsAttr(node, 'kernel_shape') ?? kernelFromWeight;
  if (!kernel || kernel.length !== 2) throw unsupported(node, 'is not a 2-D window op (kernel_shape must have two entries)');
  const stride = intsAttr(node, 'strides') ?? [1, 1];
  const dilation = intsAttr(node, 'dilations') ?? [1, 1];
  const ceil = intAttr(node, 'ceil_mode', 0) === 1;
  const autoPad = strAttr(node, 'auto_pad', 'NOTSET');
  let pads: number[] = [...(intsAttr(node, 'pads') ?? [0, 0, 0, 0])];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = [0, 0, 0, 0];
    for (let axis = 0; axis < 2; axis++) {
      const size = input[axis + 1]!;
      const total = Math.max(0, (Math.ceil(size / stride[axis]!) - 1) * stride[axis]! + (kernel[axis]! - 1) * dilation[axis]! + 1 - size);
      const small = Math.floor(total / 2);
      pads[axis] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[axis + 2] = total - pads[axis]!;
    }
  } else if (autoPad === 'VALID') pads = [0, 0, 0, 0];
  else if (autoPad !== 'NOTSET') throw unsupported(node, `has auto_pad '${autoPad}'`);
  const outH = slidingExtent(input[1], kernel[0]!, stride[0]!, pads[0]!, pads[2]!, dilation[0]!, ceil);
  const outW = slidingExtent(input[2], kernel[1]!, stride[1]!, pads[1]!, pads[3]!, dilation[1]!, ceil);
  if (outH < 1 || outW < 1) throw unsupported(node, `gives an empty output from a ${input[1]}×${input[2]} input`);
  return {
    input,
    output: [outChannels, outH, outW],
    kernel: [kernel[0]!, kernel[1]!],
    stride: [stride[0]!, stride[1]!],
    padBegin: [pads[0]!, pads[1]!],
    dilation: [dilation[0]!, dilation[1]!],
    ceil,
  };
}
