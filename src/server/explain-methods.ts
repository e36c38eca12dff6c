import { GlassboxError } from '../errors.js';
import type { Explainer } from '../explain/explainer.js';
import { isDifferentiable, isTreeEnsemble } from '../model/capabilities.js';
import type { DashboardSession } from './session.js';

/** What an explainer takes: raw tabular rows through the pipeline, or the model input tensor. */
export type ExplainInput = 'tabular' | 'tensor';

interface ServerMethod {
  readonly input: ExplainInput;
  /** Background rows it needs (tabular): 'shapley' = the first backgroundRows background rows, 'training' = all of them (LIME). */
  readonly background?: 'shapley' | 'training';
  readonly create: (seed: number, samples: number | 'auto') => Promise<Explainer<never, never>>;
}

const erase = <S, X>(e: Explainer<S, X>): Explainer<never, never> => e as unknown as Explainer<never, never>;

/**
 * The methods /api/explain offers, by the names `glassbox explain --method` uses; factories load when
 * first used. Gradient methods explain probabilities, which every differentiable model reports (the
 * demos' TF.js models have no logits output).
 */
export const SERVER_METHODS: Readonly<Record<string, ServerMethod>> = {
  'kernel-shap': { input: 'tabular', background: 'shapley', create: async (seed, samples) => erase((await import('../explain/kernel-shap.js')).kernelShap({ samples, seed })) },
  'exact-shapley': { input: 'tabular', background: 'shapley', create: async () => erase((await import('../explain/exact-shapley.js')).exactShapley()) },
  'permutation-shapley': { input: 'tabular', background: 'shapley', create: async (seed) => erase((await import('../explain/permutation-shapley.js')).permutationShapley({ seed })) },
  lime: { input: 'tabular', background: 'training', create: async (seed) => erase((await import('../explain/lime/tabular.js')).limeTabular({ seed })) },
  occlusion: { input: 'tabular', background: 'shapley', create: async () => erase((await import('../explain/occlusion.js')).occlusion()) },
  'tree-shap': { input: 'tabular', create: async () => erase((await import('../explain/tree-shap.js')).treeShap()) },
  'integrated-gradients': { input: 'tensor', create: async (seed) => erase((await import('../explain/gradients/integrated-gradients.js')).integratedGradients({ seed, output: 'probabilities' })) },
  saliency: { input: 'tensor', create: async () => erase((await import('../explain/gradients/simple-gradients.js')).saliency({ output: 'probabilities' })) },
  'input-x-gradient': { input: 'tensor', create: async () => erase((await import('../explain/gradients/simple-gradients.js')).inputXGradient({ output: 'probabilities' })) },
  smoothgrad: { input: 'tensor', create: async (seed) => erase((await import('../explain/gradients/smooth-grad.js')).smoothGrad({ seed, output: 'probabilities' })) },
};

/**
 * The method used when none is named, as `glassbox explain` chooses: TreeSHAP for tree ensembles,
 * KernelSHAP for other tabular models, Integrated Gradients for differentiable models on tensors (images).
 */
export function defaultMethod(session: DashboardSession): string {
  if (session.encoder) return isTreeEnsemble(session.model) ? 'tree-shap' : 'kernel-shap';
  if (session.x && isDifferentiable(session.model)) return 'integrated-gradients';
  throw new GlassboxError('missing_capability', `${session.title}: no explanation method applies (not tabular, and the model exposes no gradients).`);
}

/** The method named in a request, checked against the session's input and the model's capabilities. */
export function findServerMethod(name: string, session: DashboardSession, route: string): ServerMethod {
  const input: ExplainInput = session.encoder ? 'tabular' : 'tensor';
  const usable = Object.entries(SERVER_METHODS).filter(([, m]) => m.input === input && (m.input === 'tabular' || isDifferentiable(session.model)));
  const method = SERVER_METHODS[name];
  if (!method || !usable.some(([n]) => n === name)) {
    throw new GlassboxError('invalid_argument', `${route}: method "${name}" does not apply to ${session.title}.`, { argument: 'method', hint: `Use one of: ${usable.map(([n]) => n).join(', ')}.` });
  }
  if (name === 'tree-shap' && !isTreeEnsemble(session.model)) throw new GlassboxError('missing_capability', `${route}: tree-shap needs a tree ensemble; this model is not one.`, { argument: 'method', hint: 'Use kernel-shap.' });
  return method;
}
