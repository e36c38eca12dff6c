import type { Capability } from '../model/capabilities.js';
import type { Attribution } from './attribution.js';

/** Properties an explainer declares; the report, UI and CLI read these, never the method's name. */
export interface ExplainerProperties {
  /** Attributions sum to output − base (Shapley efficiency, IG completeness). */
  readonly completeness: boolean;
  readonly stochastic: boolean;
  /** 'model-agnostic' needs only predictions; others need the capabilities in `requires`. */
  readonly access: 'model-agnostic' | 'gradients' | 'trees';
  /** Granularity of the players. */
  readonly players: 'features' | 'pixels' | 'tokens' | 'superpixels';
}

/** Which output column to explain: an index for every row, one per row, or the predicted class. */
export type TargetSelector = number | Int32Array | 'predicted';

export interface ExplainContext<X> {
  readonly target?: TargetSelector;
  readonly background?: X;
  /** Raw-feature indices to explain; the others are held at the explained row's values. */
  readonly features?: readonly number[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * A frozen explainer built by a factory from options only, e.g. `kernelShap({ samples: 'auto', seed: 0 })`.
 * S is what is explained (a Pipeline for tabular methods, a Model for gradient methods) and X its input.
 */
export interface Explainer<S, X> {
  readonly method: string;
  readonly requires: readonly Capability[];
  readonly properties: ExplainerProperties;
  readonly options: Readonly<Record<string, unknown>>;
  explain(subject: S, x: X, context?: ExplainContext<X>): Promise<Attribution>;
}
