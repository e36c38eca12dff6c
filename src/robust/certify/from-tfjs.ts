import { GlassboxError } from '../../errors.js';
import { shapeSize, type BoundGraph, type BoundNode, type BoundRule, type Shape3 } from './bound-graph.js';
import { averagePoolRule } from './ops/average-pool.js';
import { convRule } from './ops/conv.js';
import { elementwiseAffineRule } from './ops/elementwise-affine.js';
import { linearRule } from './ops/linear.js';
import { maxPoolRule } from './ops/max-pool.js';
import { channelsFirstOrder, channelsLastOrder, permuteRule } from './ops/permute.js';
import { reluRule } from './ops/relu.js';
import { slidingExtent, type SlidingGeometry } from './ops/sliding.js';

/** The parts of a TF.js layer this translation reads (structurally, so no tfjs import is needed). */
export interface TfjsLayerLike {
  readonly name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): readonly { dataSync(): ArrayLike<number>; readonly shape: readonly number[] }[];
}

export interface TfjsSequentialLike {
  readonly layers: readonly TfjsLayerLike[];
  getClassName(): string;
}

const pair = (v: unknown, fallback: number): [number, number] => (Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : typeof v === 'number' ? [v, v] : [fallback, fallback]);

function refuse(layer: TfjsLayerLike, why: string): GlassboxError {
  return new GlassboxError('unsupported_model', `Certified bounds: TF.js layer '${layer.name}' (${layer.getClassName()}) ${why}; no sound bound is returned.`, {
    node: layer.name,
    op: layer.getClassName(),
    hint: 'Supported TF.js layers: conv2d, dense, maxPooling2d, averagePooling2d, flatten, dropout, batchNormalization, and relu/linear activations (softmax only last).',
  });
}

/** TF.js 'same' / 'valid' padding before the first row and column (same: TensorFlow puts the extra pixel at the end). */
function tfPadding(layer: TfjsLayerLike, padding: unknown, size: number, kernel: number, stride: number, dilation: number): [number, number] {
  if (padding === 'valid' || padding === undefined) return [0, 0];
  if (padding !== 'same') throw refuse(layer, `has padding '${String(padding)}'`);
  const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function geometry(layer: TfjsLayerLike, input: Shape3, channels: number, kernel: [number, number], stride: [number, number], dilation: [number, number], padding: unknown): SlidingGeometry {
  const [top, bottom] = tfPadding(layer, padding, input[1], kernel[0], stride[0], dilation[0]);
  const [left, right] = tfPadding(layer, padding, input[2], kernel[1], stride[1], dilation[1]);
  const output: Shape3 = [channels, slidingExtent(input[1], kernel[0], stride[0], top, bottom, dilation[0]), slidingExtent(input[2], kernel[1], stride[1], left, right, dilation[1])];
  return { input, output, kernel, stride, padBegin: [top, left], dilation };
}

/**
 * Translates a TF.js Sequential model of conv2d / dense / pooling / flatten / dropout (eval) layers with
 * ReLU or linear activations into a bound graph. Inputs are channels-last ([H, W, C] per example); the
 * graph reorders them to channels-first once and flattens in TF.js's channels-last order. A final
 * softmax (activation or layer) is skipped: the bounds are on the logits.
 */
export function boundGraphFromTfjs(model: TfjsSequentialLike, inputDims: readonly number[]): BoundGraph {
  if (model.getClassName() !== 'Sequential') {
    throw new GlassboxError('unsupported_model', `Certified bounds read TF.js Sequential models; this one is a ${model.getClassName()}.`, { hint: 'Rebuild the network with tf.sequential, or export it to ONNX.' });
  }
  const nodes: BoundNode[] = [];
  const push = (name: string, shape: Shape3, rule?: BoundRule): void => {
    nodes.push({ id: nodes.length, name, inputs: nodes.length ? [nodes.length - 1] : [], shape, size: shapeSize(shape), ...(rule ? { rule } : {}) });
  };
  let shape: Shape3;
  if (inputDims.length === 3) {
    const [h, w, c] = inputDims as [number, number, number];
    push('input', [h, w, c]);
    shape = [c, h, w];
    // the input node is laid out [H, W, C]: read as a Shape3 of (h, w, c) its flat order is channels-last
    push('input (channels-first)', shape, permuteRule('Transpose', [h, w, c], channelsFirstOrder(shape)));
  } else if (inputDims.length === 1) {
    shape = [inputDims[0]!, 1, 1];
    push('input', shape);
  } else throw new GlassboxError('unsupported_model', `Certified bounds: a TF.js input of shape [${inputDims.join(', ')}] is not supported (use [H, W, C] or [D]).`, {});
  let skippedHead: string | undefined;
  const activation = (layer: TfjsLayerLike, name: unknown, last: boolean): void => {
    if (name === undefined || name === null || name === 'linear') return;
    if (name === 'relu') push(`${layer.name}/relu`, shape, reluRule(shape));
    else if (name === 'softmax' && last) skippedHead = `${layer.name} (softmax)`;
    else throw refuse(layer, `uses activation '${String(name)}'`);
  };
  model.layers.forEach((layer, index) => {
    const last = index === model.layers.length - 1;
    const config = layer.getConfig();
    const weights = layer.getWeights().map((w) => Float64Array.from(w.dataSync()));
    switch (layer.getClassName()) {
      case 'InputLayer':
      case 'Dropout':
        return;
      case 'Conv2D': {
        if (config.dataFormat === 'channelsFirst') throw refuse(layer, 'uses channelsFirst data');
        const kernel = pair(config.kernelSize, 1);
        const stride = pair(config.strides, 1);
        const dilation = pair(config.dilationRate, 1);
        const filters = Number(config.filters);
        const g = geometry(layer, shape, filters, kernel, stride, dilation, config.padding);
        // TF.js kernels are [kh, kw, in, out]; the rule wants [out, in, kh, kw]
        const [kh, kw] = kernel;
        const channels = shape[0];
        const source = weights[0]!;
        const weight = new Float64Array(source.length);
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < channels; c++) for (let o = 0; o < filters; o++) weight[((o * channels + c) * kh + i) * kw + j] = source[((i * kw + j) * channels + c) * filters + o]!;
        shape = g.output;
        push(layer.name, shape, convRule({ ...g, weight, groups: 1, ...(config.useBias !== false && weights[1] ? { bias: weights[1] } : {}) }, 'Conv2D'));
        activation(layer, config.activation, last);
        return;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const kernel = pair(config.poolSize, 2);
        const stride = pair(config.strides ?? config.poolSize, 2);
        const g = geometry(layer, shape, shape[0], kernel, stride, [1, 1], config.padding);
        shape = g.output;
        push(layer.name, shape, layer.getClassName() === 'MaxPooling2D' ? maxPoolRule(g) : averagePoolRule({ ...g, countIncludePad: false }));
        return;
      }
      case 'Flatten': {
        const flat: Shape3 = [shapeSize(shape), 1, 1];
        push(layer.name, flat, permuteRule('Flatten', shape, channelsLastOrder(shape)));
        shape = flat;
        return;
      }
      case 'Dense': {
        if (shape[1] !== 1 || shape[2] !== 1) throw refuse(layer, 'is applied to a tensor that is not flat');
        const D = shape[0];
        const K = Number(config.units);
        const kernel = weights[0]!;
        const weight = new Float64Array(K * D);
        for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) weight[k * D + d] = kernel[d * K + k]!;
        shape = [K, 1, 1];
        push(layer.name, shape, linearRule({ weight, inputs: D, outputs: K, ...(config.useBias !== false && weights[1] ? { bias: weights[1] } : {}) }, 'Dense'));
        activation(layer, config.activation, last);
        return;
      }
      case 'Activation':
        activation(layer, config.activation, last);
        return;
      case 'ReLU':
        push(layer.name, shape, reluRule(shape));
        return;
      case 'BatchNormalization': {
        const names = ['gamma', 'beta', 'movingMean', 'movingVariance'];
        const [gamma, beta, mean, variance] = config.scale === false || config.center === false ? [] : weights;
        if (!gamma || !beta || !mean || !variance) throw refuse(layer, `lacks one of ${names.join(', ')}`);
        const eps = Number(config.epsilon ?? 1e-3);
        const per = shape[1] * shape[2];
        const scale = new Float64Array(shapeSize(shape));
        const shift = new Float64Array(shapeSize(shape));
        for (let c = 0; c < shape[0]; c++) {
          const s = gamma[c]! / Math.sqrt(variance[c]! + eps);
          scale.fill(s, c * per, (c + 1) * per);
          shift.fill(beta[c]! - mean[c]! * s, c * per, (c + 1) * per);
        }
        push(layer.name, shape, elementwiseAffineRule('BatchNormalization', shape, scale, shift));
        return;
      }
      default:
        throw refuse(layer, 'has no bound rule');
    }
  });
  return { nodes, output: nodes.length - 1, inputDims, ...(skippedHead ? { skippedHead } : {}) };
}
