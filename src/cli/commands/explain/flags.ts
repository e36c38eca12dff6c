import { GlassboxError } from '../../../errors.js';
import type { TargetSelector } from '../../../explain/explainer.js';
import type { InputFlags } from '../../load-inputs.js';
import { parseChoice, parseIntegerFlag } from '../../options.js';

/** Every flag of `glassbox explain` (commander camel-cases them); only flags the user typed are present. */
export interface ExplainFlags extends InputFlags {
  method?: string;
  /** The class to explain (`--class`); `--target` names the label column, as in every command. */
  class?: string;
  rows?: string;
  background?: string;
  features?: string;
  samples?: string;
  seed?: string;
  format?: string;
  /** LIME on images: quickshift (default) or slic, and SLIC's superpixel count. */
  segmentation?: string;
  segments?: string;
  /** Occlusion on images (square window, pixels) or text (words). */
  window?: string;
  stride?: string;
  /** tree-shap */
  output?: string;
  interactions?: boolean;
  algorithm?: string;
  threads?: string;
  backgroundRows?: string;
  /** gradient methods */
  layer?: string;
  steps?: string;
  igRule?: string;
  baseline?: string;
  sigma?: string;
  gradOutput?: string;
  heatmaps?: string;
  engine?: string;
}

export type ExplainFormat = 'json' | 'table' | 'html';

/** Rows (images, documents) explained when --rows is not given. */
export const DEFAULT_ROWS = 10;

/** Flags that only some methods read: a method lists the ones it reads (methods.ts); any other given one is refused. */
export type MethodFlag =
  | 'segmentation' | 'segments' | 'window' | 'stride' | 'baseline' | 'labels' | 'background' | 'features' | 'heatmaps'
  | 'layer' | 'steps' | 'igRule' | 'sigma' | 'gradOutput' | 'engine'
  | 'output' | 'interactions' | 'algorithm' | 'threads' | 'backgroundRows';

/** Each method-specific flag, as typed and as the error describes where it applies; checked in this order. */
export const METHOD_FLAGS: readonly { readonly key: MethodFlag; readonly flag: string; readonly appliesTo: string }[] = [
  { key: 'segmentation', flag: '--segmentation', appliesTo: 'LIME on images (superpixels)' },
  { key: 'segments', flag: '--segments', appliesTo: 'LIME on images with --segmentation slic' },
  { key: 'window', flag: '--window', appliesTo: 'occlusion on images or text' },
  { key: 'stride', flag: '--stride', appliesTo: 'occlusion on images or text' },
  { key: 'baseline', flag: '--baseline', appliesTo: 'occlusion on images or text and integrated-gradients (tabular occlusion uses --background)' },
  { key: 'labels', flag: '--labels', appliesTo: 'image data and gradient methods (--class label)' },
  { key: 'background', flag: '--background', appliesTo: 'tabular rows and expected-gradients' },
  { key: 'features', flag: '--features', appliesTo: 'tabular rows' },
  { key: 'heatmaps', flag: '--heatmaps', appliesTo: 'image data' },
  ...(['layer', 'steps', 'igRule', 'sigma', 'gradOutput', 'engine'] as const).map((key) => ({ key, flag: `--${kebab(key)}`, appliesTo: 'gradient methods (saliency, integrated-gradients, …)' })),
  ...(['output', 'interactions', 'algorithm', 'threads', 'backgroundRows'] as const).map((key) => ({ key, flag: `--${kebab(key)}`, appliesTo: 'tree-shap' })),
];

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function formatFlag(flags: Pick<ExplainFlags, 'format'>): ExplainFormat {
  return parseChoice('--format', flags.format, ['json', 'table', 'html'] as const, 'json');
}

export function seedFlag(flags: Pick<ExplainFlags, 'seed'>): number {
  return parseIntegerFlag('--seed', flags.seed, 0);
}

/** Where the labels for `--class label` come from, and how to supply them; the input decides. */
export interface LabelSource {
  readonly labels?: Int32Array;
  /** How to give labels when there are none (an error hint). */
  readonly hint: string;
}

/**
 * `--class`: the output column to explain. A class name or an output index for every method;
 * `predicted` and `label` (the row's own label) where `selectors` allows them. Without the flag:
 * `fallback` (undefined leaves the explainer's default: the positive class, or the predicted class).
 * This is the one place the CLI reads the class to explain.
 */
export function parseTargetClass(
  value: string | undefined,
  model: { readonly classes: readonly string[]; readonly outputWidth: number },
  options: { readonly selectors: boolean; readonly fallback?: 'predicted'; readonly labels?: LabelSource; readonly rowIds?: readonly number[] },
): TargetSelector | undefined {
  if (value === undefined) return options.fallback;
  const byName = model.classes.indexOf(value);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(value) && Number(value) < model.outputWidth) return Number(value);
  if (options.selectors && value === 'predicted') return 'predicted';
  if (options.selectors && value === 'label') return labelTargets(model, options.labels, options.rowIds);
  const selectors = options.selectors ? ', predicted or label' : '';
  throw new GlassboxError('invalid_argument', `--class "${value}" is neither a class name (${model.classes.join(', ') || 'none: regression'}) nor an output index below ${model.outputWidth}${selectors}.`, {
    argument: '--class',
    hint: `e.g. --class ${model.classes[model.classes.length - 1] ?? 0}${options.selectors ? ' or --class predicted' : ''}`,
  });
}

function labelTargets(model: { readonly classes: readonly string[] }, source: LabelSource | undefined, rowIds: readonly number[] | undefined): Int32Array {
  const labels = source?.labels;
  if (!labels) throw new GlassboxError('invalid_argument', '--class label needs the rows’ labels, and this input has none.', { argument: '--class', hint: source?.hint ?? 'Use --class predicted or a class name.' });
  const missing = labels.indexOf(-1);
  if (missing >= 0) {
    throw new GlassboxError('invalid_argument', `--class label: data row ${rowIds?.[missing] ?? missing} has no label among the model's classes (${model.classes.join(', ')}).`, { argument: '--class', hint: source?.hint ?? 'Use --class predicted or a class name.' });
  }
  return labels;
}

/**
 * `--target` names the label column in every command (`--label` is its alias); the class to explain
 * is `--class`. Values that can only mean a class (an output index, predicted, label) and any
 * --target on images (their labels come from subfolders or --labels) are refused with the flag to use.
 */
export function checkTargetIsLabelColumn(flags: Pick<ExplainFlags, 'target' | 'label'>, kind: 'tabular' | 'image' | 'text'): void {
  const value = flags.target ?? flags.label;
  if (value === undefined) return;
  const flag = flags.target !== undefined ? '--target' : '--label';
  if (kind === 'image' || /^\d+$/.test(value) || value === 'predicted' || (value === 'label' && kind !== 'text')) {
    throw new GlassboxError('invalid_argument', `${flag} names the label column (as in every glassbox command)${kind === 'image' ? ', and images take their labels from class subfolders or --labels' : ''}; the class to explain is --class.`, {
      argument: flag,
      hint: `Use --class ${value}.`,
    });
  }
}

/** A label column that is not in the data, under explain: say that the class to explain is --class. */
export function withClassHint(error: unknown, flags: Pick<ExplainFlags, 'target' | 'label'>): unknown {
  const value = flags.target ?? flags.label;
  if (value === undefined || !(error instanceof GlassboxError) || error.details.column !== value || error.details.argument !== 'target') return error;
  return new GlassboxError(error.code, `${error.message} (--target names the label column; to choose the class to explain use --class ${value})`, { ...error.details, hint: `To explain class "${value}": --class ${value}. ${error.details.hint ?? ''}`.trim() }, { cause: error });
}
