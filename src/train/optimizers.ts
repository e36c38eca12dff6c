import { GlassboxError } from '../errors.js';
import type * as tfTypes from '../model/tfjs/tfjs-api.js';
import type { OptimizerSpec, TF } from './types.js';

/** The spec with every default filled in, as recorded in a TrainingResult. */
export function resolveOptimizer(spec: OptimizerSpec = { kind: 'adam' }): OptimizerSpec {
  const lr = spec.learningRate ?? (spec.kind === 'adam' ? 1e-3 : 1e-2);
  if (!(Number.isFinite(lr) && lr > 0)) {
    throw new GlassboxError('invalid_argument', `optimizer: learningRate must be a positive number (got ${lr})`, { argument: 'learningRate', hint: 'Use e.g. 1e-3 for Adam, 1e-2 for SGD.' });
  }
  if (spec.kind === 'adam') return { kind: 'adam', learningRate: lr, beta1: spec.beta1 ?? 0.9, beta2: spec.beta2 ?? 0.999, epsilon: spec.epsilon ?? 1e-7 };
  if (spec.kind === 'sgd') {
    const momentum = spec.momentum ?? 0;
    if (!(momentum >= 0 && momentum < 1)) {
      throw new GlassboxError('invalid_argument', `optimizer: momentum must be in [0, 1) (got ${momentum})`, { argument: 'momentum', hint: 'Use e.g. 0.9.' });
    }
    return { kind: 'sgd', learningRate: lr, momentum, nesterov: spec.nesterov ?? false };
  }
  throw new GlassboxError('invalid_argument', `optimizer: unknown kind '${(spec as { kind: string }).kind}'`, { argument: 'optimizer', hint: "Use { kind: 'adam' } or { kind: 'sgd', momentum: 0.9 }." });
}

/**
 * Adam (Kingma & Ba 2015; Keras' default ε = 1e-7) or SGD with (Nesterov) momentum (Sutskever et al.
 * 2013) from tfjs. Plain SGD when momentum is 0.
 */
export function createOptimizer(tf: TF, spec: OptimizerSpec): tfTypes.Optimizer {
  const r = resolveOptimizer(spec);
  if (r.kind === 'adam') return tf.train.adam(r.learningRate, r.beta1, r.beta2, r.epsilon);
  if (!r.momentum) return tf.train.sgd(r.learningRate!);
  return tf.train.momentum(r.learningRate!, r.momentum, r.nesterov);
}
