import { GlassboxError } from '../../../errors.js';
import type { Attribution } from '../../../explain/attribution.js';
import type { Explainer } from '../../../explain/explainer.js';
import type { TreeShapOptions } from '../../../explain/tree-shap.js';
import type { IntegrationRule } from '../../../explain/gradients/integration-rules.js';
import type { BaselineSpec } from '../../../explain/gradients/baselines.js';
import { describeInput, type InputKind } from '../../input-kind.js';
import { parseChoice, parseIntegerFlag, positiveFlag } from '../../options.js';
import { METHOD_FLAGS, seedFlag, type ExplainFlags, type MethodFlag } from './flags.js';

/**
 * The methods `glassbox explain` offers: CLI name → the inputs it explains, what it needs of the
 * model, the flags it reads and the library factory that builds it. Adding a method is one entry.
 * Factories are imported when a method is built, so naming the methods (help, routing) loads nothing.
 */
export interface ExplainMethod {
  /** The --method name (and the JSON's `method`). */
  readonly name: string;
  /** A shorter name --method also accepts on this method's input (lime, occlusion for images and text). */
  readonly alias?: string;
  readonly kinds: readonly InputKind[];
  /** 'gradients': the input loads a differentiable model; 'predictions': any model that predicts. */
  readonly access: 'predictions' | 'gradients';
  /** Method-specific flags it reads; others given are refused by name. */
  readonly flags: readonly MethodFlag[];
  /** Tabular methods: which background rows the explainer takes for these flags ('training': every training row by default). */
  readonly background?: (flags: ExplainFlags) => 'shapley' | 'training' | undefined;
  /** Gradient methods that integrate from background inputs (Expected Gradients): the input supplies them from --background. */
  readonly tensorBackground?: true;
  /** Images in HTML: 'magnitude' for maps that are non-negative (default signed). */
  readonly heatmap?: 'magnitude';
  /** A sentence introducing the method's HTML output. */
  readonly intro?: (a: Attribution) => string;
  readonly create: (flags: ExplainFlags) => Promise<Explainer<never, never>>;
}

const TABULAR_FLAGS: readonly MethodFlag[] = ['background', 'features'];
const GRADIENT_FLAGS: readonly MethodFlag[] = ['labels', 'heatmaps', 'layer', 'steps', 'igRule', 'baseline', 'sigma', 'gradOutput', 'engine'];
const IG_RULES: readonly IntegrationRule[] = ['gausslegendre', 'riemann_trapezoid', 'riemann_left', 'riemann_right', 'riemann_middle'];
export const ENGINES = ['auto', 'onnxruntime', 'tfjs'] as const;

/** Explainers are typed by what they explain; the registry holds them side by side, the input supplies a matching subject. */
const erase = <S, X>(explainer: Explainer<S, X>): Explainer<never, never> => explainer as unknown as Explainer<never, never>;

const tabular = (name: string, background: 'shapley' | 'training', create: ExplainMethod['create']): ExplainMethod => ({ name, kinds: ['tabular'], access: 'predictions', flags: TABULAR_FLAGS, background: () => background, create });

const gradient = (name: string, create: (flags: ExplainFlags, output: 'logits' | 'probabilities') => Promise<Explainer<never, never>>, extra: Partial<ExplainMethod> = {}): ExplainMethod => ({
  name,
  kinds: ['image', 'tabular'],
  access: 'gradients',
  flags: GRADIENT_FLAGS,
  create: (flags) => create(flags, parseChoice('--grad-output', flags.gradOutput, ['logits', 'probabilities'] as const, 'logits')),
  ...extra,
});

export const EXPLAIN_METHODS: readonly ExplainMethod[] = [
  tabular('exact-shapley', 'shapley', async () => erase((await import('../../../explain/exact-shapley.js')).exactShapley())),
  tabular('kernel-shap', 'shapley', async (f) => erase((await import('../../../explain/kernel-shap.js')).kernelShap({ samples: f.samples === undefined ? 'auto' : parseIntegerFlag('--samples', f.samples, 2048, 2), seed: seedFlag(f) }))),
  tabular('permutation-shapley', 'shapley', async (f) => erase((await import('../../../explain/permutation-shapley.js')).permutationShapley({ maxEvals: parseIntegerFlag('--samples', f.samples, 500, 3), seed: seedFlag(f) }))),
  tabular('lime', 'training', async (f) => erase((await import('../../../explain/lime/tabular.js')).limeTabular({ samples: parseIntegerFlag('--samples', f.samples, 5000, 2), seed: seedFlag(f) }))),
  tabular('occlusion', 'shapley', async () => erase((await import('../../../explain/occlusion.js')).occlusion())),
  {
    name: 'tree-shap',
    kinds: ['tabular'],
    access: 'predictions',
    flags: ['background', 'output', 'interactions', 'algorithm', 'threads', 'backgroundRows'],
    // path-dependent TreeSHAP reads the trees' covers; only the interventional algorithm takes background rows
    background: (f) => (treeShapOptions(f).algorithm === 'interventional' ? 'shapley' : undefined),
    create: async (f) => erase((await import('../../../explain/tree-shap.js')).treeShap(treeShapOptions(f))),
  },
  {
    name: 'lime-image',
    alias: 'lime',
    kinds: ['image'],
    access: 'predictions',
    flags: ['segmentation', 'segments', 'labels', 'heatmaps'],
    intro: (a) => `LIME over superpixels (${JSON.stringify((a.options as { segmentation?: unknown }).segmentation)}, ${(a.options as { samples?: number }).samples} samples, seed ${a.seed}): red superpixels raise the explained class’s probability, blue ones lower it.`,
    create: async (f) => {
      const kind = parseChoice('--segmentation', f.segmentation, ['quickshift', 'slic'] as const, 'quickshift');
      if (f.segments !== undefined && kind !== 'slic') throw new GlassboxError('invalid_argument', '--segments sets SLIC’s number of superpixels; quickshift finds its own.', { argument: '--segments', hint: 'Add --segmentation slic, or drop --segments.' });
      const segmentation = kind === 'slic' ? { method: 'slic' as const, nSegments: positiveFlag('--segments', f.segments, 100) } : { method: 'quickshift' as const };
      const samples = positiveFlag('--samples', f.samples, 1000, 2);
      return erase((await import('../../../explain/image/lime-image.js')).limeImage({ samples, seed: seedFlag(f), segmentation }));
    },
  },
  {
    name: 'image-occlusion',
    alias: 'occlusion',
    kinds: ['image'],
    access: 'predictions',
    flags: ['window', 'stride', 'baseline', 'labels', 'heatmaps'],
    intro: (a) => `Sliding-window occlusion (window ${JSON.stringify((a.options as { window?: unknown }).window)}, strides ${JSON.stringify((a.options as { strides?: unknown }).strides)}): red regions, when hidden, lower the explained class’s probability.`,
    create: async (f) => {
      const window = positiveFlag('--window', f.window, 4);
      const stride = positiveFlag('--stride', f.stride, 2);
      const baseline = occlusionBaseline(f.baseline);
      return erase((await import('../../../explain/gradients/image-occlusion.js')).imageOcclusion({ window: [window, window], strides: [stride, stride], baseline, output: 'probabilities' }));
    },
  },
  {
    name: 'lime-text',
    alias: 'lime',
    kinds: ['text'],
    access: 'predictions',
    flags: [],
    intro: (a) => `LIME for text (${(a.options as { samples?: number }).samples} perturbations per document, seed ${a.seed}): red words pushed towards the explained class, blue words away.`,
    create: async (f) => {
      const samples = positiveFlag('--samples', f.samples, 5000, 2);
      return erase((await import('../../../explain/text/lime-text.js')).limeText({ samples, seed: seedFlag(f) }));
    },
  },
  {
    name: 'text-occlusion',
    alias: 'occlusion',
    kinds: ['text'],
    access: 'predictions',
    flags: ['window', 'stride', 'baseline'],
    intro: (a) => `Word occlusion (window ${(a.options as { window?: number }).window}, stride ${(a.options as { stride?: number }).stride}): red words, when removed, lower the explained class’s probability.`,
    create: async (f) => {
      const options = { window: positiveFlag('--window', f.window, 1), stride: positiveFlag('--stride', f.stride, 1), baseline: f.baseline ?? '' };
      return erase((await import('../../../explain/text/occlusion-text.js')).textOcclusion(options));
    },
  },
  gradient('saliency', async (_f, output) => erase((await import('../../../explain/gradients/simple-gradients.js')).saliency({ output })), { heatmap: 'magnitude' }),
  gradient('input-x-gradient', async (_f, output) => erase((await import('../../../explain/gradients/simple-gradients.js')).inputXGradient({ output }))),
  gradient('smoothgrad', async (f, output) => erase((await import('../../../explain/gradients/smooth-grad.js')).smoothGrad({ output, seed: seedFlag(f), samples: parseIntegerFlag('--samples', f.samples, 50, 1), sigma: Number(f.sigma ?? 0.15) }))),
  gradient('integrated-gradients', async (f, output) => {
    const options = { output, seed: seedFlag(f), steps: parseIntegerFlag('--steps', f.steps, 50), method: parseChoice('--ig-rule', f.igRule, IG_RULES, 'gausslegendre'), baseline: gradientBaseline(f.baseline) };
    return erase((await import('../../../explain/gradients/integrated-gradients.js')).integratedGradients(options));
  }),
  gradient('expected-gradients', async (f, output) => erase((await import('../../../explain/gradients/expected-gradients.js')).expectedGradients({ output, seed: seedFlag(f), samples: parseIntegerFlag('--samples', f.samples, 5, 1) })), { tensorBackground: true, flags: [...GRADIENT_FLAGS, 'background'] }),
  gradient('guided-backprop', async (_f, output) => erase((await import('../../../explain/gradients/simple-gradients.js')).guidedBackprop({ output }))),
  gradient(
    'grad-cam',
    async (f, output) => {
      if (!f.layer) throw new GlassboxError('invalid_argument', 'grad-cam needs --layer NAME (the output of the last convolution).', { argument: '--layer', hint: 'List tensor names with model.layerNames, e.g. /conv2/Conv_output_0.' });
      return erase((await import('../../../explain/gradients/grad-cam.js')).gradCam({ layer: f.layer, output }));
    },
    { heatmap: 'magnitude' },
  ),
];

/** Every name --method accepts, for help and errors. */
export function methodNames(kind?: InputKind): string[] {
  const names = EXPLAIN_METHODS.filter((m) => kind === undefined || m.kinds.includes(kind)).flatMap((m) => (m.alias ? [m.alias, m.name] : [m.name]));
  return [...new Set(names)];
}

/** What a method explains, in words, for errors. */
function explains(method: ExplainMethod): string {
  if (method.access === 'gradients') return 'differentiable image or tabular models';
  return method.kinds.map((k) => (k === 'tabular' ? 'tabular rows' : `${k} models`)).join(' or ');
}

/** Looks --method up for this input; an error names what the method explains and what to use instead. */
export function findMethod(name: string, kind: InputKind, flags: Pick<ExplainFlags, 'demo' | 'data'>): ExplainMethod {
  const fits = EXPLAIN_METHODS.find((m) => m.kinds.includes(kind) && (m.name === name || m.alias === name));
  if (fits) return fits;
  const other = EXPLAIN_METHODS.find((m) => m.name === name || m.alias === name);
  const why = other ? `${name} explains ${explains(other)}` : `"${name}" is not a method`;
  throw new GlassboxError('invalid_argument', `--method ${why}, but ${describeInput(kind, flags)}.`, { argument: '--method', hint: `For this input use one of: ${methodNames(kind).join(', ')}.` });
}

/** The method used when --method is not given, and why. Tabular rows: the model decides (see tabularDefault). */
export function defaultMethod(kind: 'image' | 'text'): { method: ExplainMethod; reason: string } {
  const reason = kind === 'text' ? 'text models: LIME over the words (lime’s LimeTextExplainer)' : 'images: LIME over superpixels works with any model; gradient methods need --method';
  return { method: EXPLAIN_METHODS.find((m) => m.alias === 'lime' && m.kinds.includes(kind))!, reason };
}

/**
 * Tabular rows without --method: tree-shap (exact, fast) for models exposing the tree-ensemble
 * capability, kernel-shap (model-agnostic) otherwise.
 */
export function tabularDefault(isTreeModel: boolean): { method: ExplainMethod; reason: string } {
  if (isTreeModel) return { method: byName('tree-shap'), reason: 'the model is a tree ensemble, so exact TreeSHAP applies (no sampling, no background needed)' };
  return { method: byName('kernel-shap'), reason: 'the model exposes no trees or gradients that an exact method could use, so the model-agnostic KernelSHAP is used' };
}

/** The methods tabular rows may default to: flags are checked against them before the model is loaded. */
export const TABULAR_DEFAULTS: readonly ExplainMethod[] = [tabularDefault(true).method, tabularDefault(false).method];

function byName(name: string): ExplainMethod {
  return EXPLAIN_METHODS.find((m) => m.name === name)!;
}

/**
 * Refuses every method-specific flag that none of `candidates` reads, naming the flag and where it
 * applies. Only flags the user typed are present (commander defaults are removed before this runs).
 */
export function checkMethodFlags(candidates: readonly ExplainMethod[], kind: InputKind, flags: ExplainFlags): void {
  for (const rule of METHOD_FLAGS) {
    if (flags[rule.key] === undefined || candidates.some((m) => m.flags.includes(rule.key))) continue;
    const what = candidates.length === 1 ? `--method ${flags.method ?? candidates[0]!.name}` : '--method (default)';
    const on = kind === 'tabular' ? 'tabular rows' : kind === 'image' ? 'images' : 'text';
    throw new GlassboxError('invalid_argument', `${rule.flag} applies to ${rule.appliesTo}, not to ${what} on ${on}.`, { argument: rule.flag, hint: `Drop ${rule.flag}, or pick a method it applies to.` });
  }
}

/** tree-shap's options from its flags: probability output implies the interventional algorithm. */
export function treeShapOptions(flags: Pick<ExplainFlags, 'output' | 'algorithm' | 'threads' | 'interactions'>): TreeShapOptions {
  const output = parseChoice('--output', flags.output, ['margin', 'probability'] as const, 'margin');
  // probability output is only exact with a background: pick interventional unless told otherwise
  const algorithm = parseChoice('--algorithm', flags.algorithm, ['path-dependent', 'interventional'] as const, output === 'probability' ? 'interventional' : 'path-dependent');
  const threads = flags.threads === undefined || flags.threads === 'auto' ? 'auto' : parseIntegerFlag('--threads', flags.threads, 1);
  if (threads === 0) throw new GlassboxError('invalid_argument', '--threads must be at least 1 or "auto"', { argument: '--threads' });
  return { output, algorithm, interactions: flags.interactions === true, threads };
}

function gradientBaseline(value: string | undefined): Extract<BaselineSpec, string | number> {
  const v = value ?? 'zeros';
  if (v === 'zeros' || v === 'blur' || v === 'uniform' || v === 'mean') return v;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  throw new GlassboxError('invalid_argument', `--baseline ${v} is not zeros, blur, uniform, mean or a number.`, { argument: '--baseline', hint: 'Use --baseline zeros (default), blur, uniform, mean or a constant like 0.5.' });
}

function occlusionBaseline(value: string | undefined): number {
  if (value === undefined || value === 'zeros') return 0;
  const n = Number(value);
  if (value.trim() !== '' && Number.isFinite(n)) return n;
  throw new GlassboxError('invalid_argument', `--baseline ${value}: image occlusion fills each window with a constant.`, { argument: '--baseline', hint: 'Use --baseline zeros (default) or a number such as 0.5.' });
}
