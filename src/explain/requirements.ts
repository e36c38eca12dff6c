import { GlassboxError } from '../errors.js';
import { hasCapability } from '../model/capabilities.js';
import type { Capability } from '../model/capabilities.js';

/**
 * Throws `missing_capability` when `model` lacks one of the capabilities an explainer requires.
 * Every explainer calls this before any work, so the conformance suite can check it uniformly.
 */
export function assertCapabilities(method: string, requires: readonly Capability[], model: object): void {
  for (const capability of requires) {
    if (!hasCapability(model, capability)) {
      throw new GlassboxError('missing_capability', `${method} needs a model with the '${capability}' capability, and this model does not provide it`, {
        argument: 'model',
        capability,
        hint: 'Use a model-agnostic method (kernel-shap, lime, permutation-shapley, occlusion) or an adapter that implements this capability.',
      });
    }
  }
}
