import { GlassboxError } from '../../../../errors.js';
import type { GradientModel } from '../../../../explain/gradients/common.js';
import { isDifferentiable } from '../../../../model/capabilities.js';
import type { Model } from '../../../../model/model.js';
import { parseChoice } from '../../../options.js';
import type { ExplainFlags } from '../flags.js';
import { ENGINES } from '../methods.js';

/** A model gradient methods can explain, and how to free it. */
export interface LoadedGradientModel {
  readonly model: GradientModel;
  readonly dispose: () => Promise<void>;
}

/** --engine: who computes ONNX gradients (onnxruntime with a compiled backward graph, or the tfjs interpreter). */
export function engineFlag(flags: Pick<ExplainFlags, 'engine'>): (typeof ENGINES)[number] {
  return parseChoice('--engine', flags.engine, ENGINES, 'auto');
}

/** ONNX files load through the gradient adapter; other models must expose gradients themselves. */
export async function loadDifferentiable(location: string, flags: Pick<ExplainFlags, 'engine'>): Promise<LoadedGradientModel> {
  const engine = engineFlag(flags);
  if (location.toLowerCase().endsWith('.onnx')) {
    const { loadOnnxGradModel } = await import('../../../../model/onnx-grad/load.js');
    const model = await loadOnnxGradModel(location, { engine });
    return { model, dispose: () => model.dispose() };
  }
  const { loadModel } = await import('../../../../model/load-model.js');
  const model = await loadModel(location);
  return asGradientModel(model, location);
}

/**
 * A loaded model as a gradient model: refused when it only predicts; TF.js layers models are
 * wrapped so that they report logits and support guided backprop (dispose frees both).
 */
export async function asGradientModel(model: Model, source: string): Promise<LoadedGradientModel> {
  if (!isDifferentiable(model)) {
    await model.dispose?.();
    throw new GlassboxError('missing_capability', `${source}: gradient methods need a differentiable model (ONNX or TF.js); this one only predicts.`, { file: source, hint: 'Use a model-agnostic method: --method kernel-shap, lime or occlusion.' });
  }
  const { isTfjsLayersLike, randomizableTfjs } = await import('../../../../model/tfjs/randomizable.js');
  if (!isTfjsLayersLike(model)) return { model: model as unknown as GradientModel, dispose: async () => model.dispose?.() };
  const wrapped = randomizableTfjs(model);
  return {
    model: wrapped as unknown as GradientModel,
    dispose: async () => {
      await wrapped.dispose();
      await model.dispose();
    },
  };
}

/** Which engine computed the gradients, and why the interpreter when onnxruntime could not (read after the run). */
export function gradientEngineOf(model: object): { engine?: string; engineNote?: string } {
  const m = model as { gradientEngine?: string; engineNote?: string };
  return { ...(m.gradientEngine ? { engine: m.gradientEngine } : {}), ...(m.engineNote ? { engineNote: m.engineNote } : {}) };
}
