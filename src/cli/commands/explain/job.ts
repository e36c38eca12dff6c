import type { EncodedFeature, RawMatrix } from '../../../encode/encoder.js';
import type { ExplainContext } from '../../../explain/explainer.js';
import type { Tensor } from '../../../model/tensor.js';
import type { ExplainFlags } from './flags.js';
import type { ExplainMethod } from './methods.js';

/**
 * How the explained input is laid out, which decides how values are printed:
 * - features: one value per raw feature (JSON `featureNames`, `values[row][feature]`)
 * - tensor: values in the input's shape per row (images, encoded rows); channels-last input is
 *   explained through a channels-first view and given back channels-last
 * - tokens: one value per word of each document (JSON `tokens`, `values[row][token]`)
 */
export type JobLayout =
  | { readonly kind: 'features'; readonly x: RawMatrix; readonly features?: readonly EncodedFeature[] }
  | { readonly kind: 'tensor'; readonly x: Tensor; readonly channelsLast: boolean }
  | { readonly kind: 'tokens'; readonly docs: readonly string[] };

/** One explanation to run: what the input loaders return and what output.ts prints. */
export interface ExplainJob {
  readonly method: ExplainMethod;
  /** Why the method was chosen when --method was not given. */
  readonly methodChoice?: string;
  /** What the explainer explains (a pipeline, a model, a text classifier) and its input. */
  readonly subject: unknown;
  readonly x: unknown;
  readonly context: ExplainContext<unknown>;
  /** Ids of the explained rows. */
  readonly rowIds: readonly number[];
  readonly classes: readonly string[];
  readonly layout: JobLayout;
  /** Labels of the explained rows (-1: none), where the input has them. */
  readonly labels?: Int32Array;
  /** Fields the input adds to the JSON (the gradient engine used, the output space), read after the run. */
  readonly header?: () => Readonly<Record<string, unknown>>;
  readonly dispose: () => Promise<void>;
}

/** Loads one input kind into a job for `method` (undefined: the input picks its default). */
export type LoadJob = (flags: ExplainFlags, method: ExplainMethod | undefined, signal?: AbortSignal) => Promise<ExplainJob>;
