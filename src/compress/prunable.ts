import { GlassboxError } from '../errors.js';
import type { NamedWeights } from '../model/capabilities.js';

/**
 * The weights compression acts on by default: float tensors of rank ≥ 2 (convolution filters, dense
 * kernels, Gemm/MatMul matrices, embedding tables). Biases, normalisation scales and other rank-1
 * tensors stay as they are, as in Han et al. (2015) and Zhu & Gupta (2017). `names` restricts or
 * overrides the choice; each named weight must exist.
 */
export function selectWeights(weights: NamedWeights, names?: readonly string[]): string[] {
  if (names) {
    const missing = names.filter((n) => !weights.has(n));
    if (missing.length > 0) throw new GlassboxError('invalid_argument', `The model has no weight named ${missing.map((m) => `'${m}'`).join(', ')}.`, { argument: 'parameters', hint: `Weights: ${[...weights.keys()].slice(0, 20).join(', ')}` });
    return [...names];
  }
  const chosen = [...weights].filter(([, t]) => t.shape.length >= 2).map(([name]) => name);
  if (chosen.length === 0) throw new GlassboxError('unsupported_model', 'The model has no weight tensor of rank ≥ 2 to compress.', { hint: 'Name the weights to compress explicitly (parameters: [...]).' });
  return chosen;
}

/** Number of exact zeros per weight and overall, among `names`. */
export function sparsityOf(weights: NamedWeights, names: readonly string[]): { overall: number; perWeight: Record<string, number>; zeros: number; total: number } {
  let zeros = 0;
  let total = 0;
  const perWeight: Record<string, number> = {};
  for (const name of names) {
    const data = weights.get(name)!.data;
    let z = 0;
    for (let i = 0; i < data.length; i++) if (data[i] === 0) z++;
    perWeight[name] = data.length > 0 ? z / data.length : 0;
    zeros += z;
    total += data.length;
  }
  return { overall: total > 0 ? zeros / total : 0, perWeight, zeros, total };
}
