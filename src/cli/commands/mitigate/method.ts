import type { ReportBlock } from '../../../results/blocks.js';
import type { ProgressReporter } from '../../progress.js';
import type { InputFlags } from '../../load-inputs.js';

/**
 * Flags of `glassbox mitigate`. The shared ones are named; a method's own flags (declared in its
 * entry of MITIGATION_METHODS) arrive under their commander names, e.g. `--epsilon` as `epsilon`.
 */
export interface MitigateFlags extends InputFlags {
  method?: string;
  lambda?: string;
  bound?: string;
  seed?: string;
  format?: string;
  out?: string;
  saveModel?: string;
  threshold?: string;
  quiet?: boolean;
  readonly [methodFlag: string]: unknown;
}

/** What every method is called with: the flags, the seed, cancellation and progress. */
export interface MitigationContext {
  readonly flags: MitigateFlags;
  readonly seed: number;
  readonly signal: AbortSignal;
  readonly progress: ProgressReporter;
}

/**
 * What a method hands back. `json` is the body of the JSON output (the command adds `version`, `method`
 * and `seed`); it holds `before` and `after`, each the metrics on the same held-out rows. `blocks` are the
 * table and HTML output. `saveModel` writes the mitigated model in its own format (`--save-model`);
 * methods that change no model (threshold) leave it out.
 */
export interface MitigationOutcome {
  readonly json: { readonly before: unknown; readonly after: unknown } & Readonly<Record<string, unknown>>;
  readonly blocks: readonly ReportBlock[];
  readonly saveModel?: (path: string) => Promise<void>;
  /** Releases models and sessions once the output is written. */
  readonly dispose?: () => Promise<void>;
}

/** A method's implementation: checks its flags first (before long work), then mitigates. */
export type MitigationMethod = (context: MitigationContext) => Promise<MitigationOutcome>;
