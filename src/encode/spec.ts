import { z } from 'zod';
import { GlassboxError } from '../errors.js';

/**
 * The JSON format of a declarative encoder. It is the format of the reference `preprocess.json`
 * (german-credit), extended with `minmax`, `ordinal` and `passthrough` steps: extra top-level keys
 * (`model_file`, `rules`, …) are allowed and ignored. See docs/encoders.md.
 */
export const ENCODER_FORMAT = 'glassbox-encoder/1';

const column = z.string().min(1);
const placement = {
  column,
  /** First model-input column of this step's block; defaults to the running sum of widths. */
  offset: z.number().int().nonnegative().optional(),
  /** Checked against the width the step implies (1, or the number of categories for one-hot). */
  width: z.number().int().positive().optional(),
};
const categories = z
  .array(z.string())
  .min(1)
  .refine((list) => new Set(list).size === list.length, { message: 'categories must be unique' });
const finite = z.number().finite();

export const standardizeStepSchema = z.object({ ...placement, kind: z.literal('standardize'), mean: finite, std: finite.positive() });
export const minmaxStepSchema = z
  .object({ ...placement, kind: z.literal('minmax'), min: finite, max: finite })
  .refine((s) => s.max >= s.min, { message: 'max must be >= min', path: ['max'] });
/**
 * What a categorical step does with a missing code (NaN in the raw matrix, which is where an unknown
 * category goes under `--unknown-category ignore`): 'error' (default) refuses it; 'ignore' writes
 * all zeros (one-hot, as scikit-learn's `handle_unknown="ignore"`) or NaN (ordinal: a tree model's
 * missing-value branch).
 */
const handleUnknown = z.enum(['error', 'ignore']).optional();
export const onehotStepSchema = z.object({ ...placement, kind: z.literal('onehot'), categories, handle_unknown: handleUnknown });
export const ordinalStepSchema = z.object({ ...placement, kind: z.literal('ordinal'), categories, handle_unknown: handleUnknown });
export const passthroughStepSchema = z.object({ ...placement, kind: z.literal('passthrough') });

export const encoderStepSchema = z.discriminatedUnion('kind', [
  standardizeStepSchema,
  minmaxStepSchema,
  onehotStepSchema,
  ordinalStepSchema,
  passthroughStepSchema,
]);

export const encoderSpecSchema = z.looseObject({
  format: z.literal(ENCODER_FORMAT).optional(),
  /** Width of the encoded vector; checked against the steps when present. */
  input_dim: z.number().int().positive().optional(),
  /** Raw columns in order; checked against the steps when present. */
  column_order: z.array(column).optional(),
  steps: z.array(encoderStepSchema).min(1),
});

export type EncoderStep = z.infer<typeof encoderStepSchema>;
export type EncoderStepKind = EncoderStep['kind'];
export type EncoderSpec = z.infer<typeof encoderSpecSchema>;

/** Input columns a step occupies. */
export function stepWidth(step: EncoderStep): number {
  return step.kind === 'onehot' ? step.categories.length : 1;
}

/** Validates an encoder spec (shape, then layout) and throws a GlassboxError naming the culprit. */
export function parseEncoderSpec(json: unknown, source = 'encoder spec'): EncoderSpec {
  const parsed = encoderSpecSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? formatPath(issue.path) : '';
    throw new GlassboxError('invalid_input', `${source}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid encoder spec'}`, {
      file: source,
      argument: path,
      hint: 'An encoder spec is {"steps": [{"column": "age", "kind": "standardize", "mean": 35.5, "std": 11.4}, {"column": "job", "kind": "onehot", "categories": ["a", "b"]}, …]}; kinds: standardize, minmax, onehot, ordinal, passthrough (see docs/encoders.md).',
    });
  }
  checkLayout(parsed.data, source);
  return parsed.data;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function layoutError(source: string, message: string, argument: string, hint: string): GlassboxError {
  return new GlassboxError('invalid_input', `${source}: ${message}`, { file: source, argument, hint });
}

/** Unique columns, declared widths, non-overlapping blocks that cover [0, input_dim) exactly. */
function checkLayout(spec: EncoderSpec, source: string): void {
  const seen = new Set<string>();
  let running = 0;
  const covered: (string | undefined)[] = [];
  spec.steps.forEach((step, i) => {
    if (seen.has(step.column)) {
      throw layoutError(source, `column "${step.column}" appears in more than one step`, `steps[${i}].column`, 'Each raw column is encoded by exactly one step.');
    }
    seen.add(step.column);
    const width = stepWidth(step);
    if (step.width !== undefined && step.width !== width) {
      throw layoutError(source, `steps[${i}] (column "${step.column}") declares width ${step.width} but a ${step.kind} step of it is ${width} wide`, `steps[${i}].width`, 'Remove "width" or make it match (one-hot: the number of categories; otherwise 1).');
    }
    const offset = step.offset ?? running;
    for (let k = offset; k < offset + width; k++) {
      const other = covered[k];
      if (other !== undefined) {
        throw layoutError(source, `steps[${i}] (column "${step.column}") overlaps column "${other}" at input index ${k}`, `steps[${i}].offset`, 'Offsets must give every step its own block; omit them to place the steps one after another.');
      }
      covered[k] = step.column;
    }
    running = offset + width;
  });
  const dim = covered.length;
  const hole = covered.findIndex((c) => c === undefined);
  if (hole >= 0) throw layoutError(source, `no step fills input index ${hole}`, 'steps', 'Offsets must leave no gaps between 0 and the input width.');
  if (spec.input_dim !== undefined && spec.input_dim !== dim) {
    throw layoutError(source, `input_dim is ${spec.input_dim} but the steps produce ${dim} columns`, 'input_dim', 'Fix input_dim or the steps.');
  }
  if (spec.column_order !== undefined) {
    const steps = spec.steps.map((s) => s.column);
    if (spec.column_order.length !== steps.length || spec.column_order.some((c, i) => c !== steps[i])) {
      throw layoutError(source, `column_order [${spec.column_order.join(', ')}] differs from the steps' columns [${steps.join(', ')}]`, 'column_order', 'List the steps in column_order (raw rows use the steps\' order).');
    }
  }
}
