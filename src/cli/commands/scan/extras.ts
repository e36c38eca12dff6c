import { GlassboxError } from '../../../errors.js';
import type { CompressionSpec } from '../../../compress/compress-model.js';
import type { Model } from '../../../model/model.js';
import { parseList } from '../../options.js';
import { loadDifferentiable } from '../explain/inputs/differentiable.js';
import { modelFileOf } from '../../model-path.js';

/** `--compression prune:0.9 | prune-channels:0.5 | quantize:8[:per-channel]`. */
export function parseCompressionFlag(value: string): CompressionSpec {
  const [method, amount, extra] = value.split(':');
  const fail = (): never => {
    throw new GlassboxError('invalid_argument', `--compression ${value}: expected prune:S, prune-channels:S (0 ≤ S < 1) or quantize:BITS[:per-channel].`, { argument: '--compression', hint: 'e.g. --compression prune:0.9' });
  };
  if (method === 'prune' || method === 'prune-channels') {
    const sparsity = Number(amount ?? '0.9');
    if (!(sparsity >= 0 && sparsity < 1) || extra !== undefined) fail();
    return method === 'prune' ? { method, sparsity, scope: 'global' } : { method, sparsity };
  }
  if (method === 'quantize') {
    const bits = Number(amount ?? '8');
    if (!(Number.isInteger(bits) && bits >= 2 && bits <= 16) || (extra !== undefined && extra !== 'per-channel' && extra !== 'per-tensor')) fail();
    return { method, bits, granularity: extra === 'per-channel' ? 'per-channel' : 'per-tensor' };
  }
  return fail();
}

/** `--checkpoints a,b,…` (ONNX files or TF.js folders), or `demo` for the digits demo's committed checkpoints. */
export async function loadScanCheckpoints(value: string, demo: string | undefined): Promise<{ models: Model[]; dispose: () => Promise<void> }> {
  if (value === 'demo') {
    if (demo !== 'digits') throw new GlassboxError('invalid_argument', '--checkpoints demo needs --demo digits (the demo with committed checkpoints).', { argument: '--checkpoints', hint: 'Pass your checkpoint files instead: --checkpoints epoch1.onnx,epoch2.onnx,…' });
    const { loadDigitsCheckpoints } = await import('../../../demos/digits/index.js');
    const { models } = await loadDigitsCheckpoints({ seed: 0 });
    return { models: [...models], dispose: async () => undefined };
  }
  const paths = parseList(value);
  if (paths.length < 2) throw new GlassboxError('invalid_argument', `--checkpoints lists ${paths.length} model; VoG needs at least 2 snapshots of training.`, { argument: '--checkpoints', hint: 'List K ≥ 2 checkpoints in training order, separated by commas.' });
  const loaded: { model: Model; dispose: () => Promise<void> }[] = [];
  for (const path of paths) {
    const l = await loadDifferentiable(modelFileOf(path), {});
    loaded.push({ model: l.model as unknown as Model, dispose: l.dispose });
  }
  return { models: loaded.map((l) => l.model), dispose: async () => { for (const l of loaded) await l.dispose(); } };
}
