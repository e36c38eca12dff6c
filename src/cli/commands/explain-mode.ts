import { GlassboxError } from '../../errors.js';
import { parseIntegerFlag } from '../options.js';
import { GRADIENT_METHODS, isGradientMethod } from './explain-gradients.js';
import { isImageData } from './explain-gradient-run.js';
import type { ExplainFlags } from './explain.js';
import type { Model } from '../../model/model.js';

/** What `glassbox explain` is given: tabular rows, images (a folder, a .npy tensor, the digits demo) or raw text (the spam demo). */
export type InputKind = 'tabular' | 'image' | 'text';

/**
 * Where a run goes: the tabular handlers (explainHandlers), the gradient methods, or the
 * model-agnostic image and text methods (LIME and occlusion on superpixels/windows and words).
 */
export type ExplainRoute =
  | { readonly route: 'tabular'; readonly method?: string }
  | { readonly route: 'gradient'; readonly method: string }
  | { readonly route: 'image' | 'text'; readonly method: 'lime' | 'occlusion'; readonly reason?: string };

const DEMO_KINDS: Readonly<Record<string, InputKind>> = { credit: 'tabular', digits: 'image', spam: 'text' };
/** Explicit per-input names of lime/occlusion, as the JSON's `method` field spells them. */
const ALIASES: Readonly<Record<string, readonly [InputKind, 'lime' | 'occlusion']>> = {
  'lime-text': ['text', 'lime'],
  'text-occlusion': ['text', 'occlusion'],
  'lime-image': ['image', 'lime'],
  'image-occlusion': ['image', 'occlusion'],
};
export const AGNOSTIC_ALIASES = Object.keys(ALIASES);
const TABULAR_ONLY = ['exact-shapley', 'kernel-shap', 'permutation-shapley', 'tree-shap'];

/** The kind of input, judged from the flags alone (a stat of --data at most), so wrong combinations fail before loading anything. */
export function inputKind(flags: Pick<ExplainFlags, 'demo' | 'data' | 'textEncoder'>): InputKind {
  if (flags.demo) return DEMO_KINDS[flags.demo] ?? 'tabular';
  if (flags.textEncoder) return 'text';
  return isImageData(flags.data) ? 'image' : 'tabular';
}

function describe(kind: InputKind, flags: Pick<ExplainFlags, 'demo' | 'data'>): string {
  const source = flags.demo ? `--demo ${flags.demo}` : `--data ${flags.data ?? ''}`;
  return `${source} holds ${kind === 'tabular' ? 'tabular rows' : kind === 'image' ? 'images' : 'raw text'}`;
}

/**
 * Picks the route for --method on this input and checks that every given flag applies to it, naming
 * the flag and what to use instead. Only flags the user typed are checked (commander defaults are
 * removed before this runs).
 */
export function resolveExplainRoute(flags: ExplainFlags): ExplainRoute {
  const kind = inputKind(flags);
  const route = routeFor(kind, flags);
  checkFlags(route, kind, flags);
  return route;
}

function routeFor(kind: InputKind, flags: ExplainFlags): ExplainRoute {
  const method = flags.method;
  const alias = method === undefined ? undefined : ALIASES[method];
  if (alias && alias[0] !== kind) {
    throw new GlassboxError('invalid_argument', `--method ${method} explains ${alias[0]} models, but ${describe(kind, flags)}.`, {
      argument: '--method',
      hint: kind === 'tabular' ? 'For tabular rows use --method lime or occlusion (or exact-shapley, kernel-shap, permutation-shapley, tree-shap).' : `For ${kind} input use --method lime or occlusion.`,
    });
  }
  if (kind === 'tabular') return isGradientMethod(method) ? { route: 'gradient', method } : { route: 'tabular', ...(method === undefined ? {} : { method }) };
  if (alias) return { route: kind, method: alias[1] };
  if (method === 'lime' || method === 'occlusion') return { route: kind, method };
  if (method === undefined) {
    return { route: kind, method: 'lime', reason: kind === 'text' ? 'text models: LIME over the words (lime’s LimeTextExplainer)' : 'images: LIME over superpixels works with any model; gradient methods need --method' };
  }
  if (kind === 'image' && isGradientMethod(method)) return { route: 'gradient', method };
  const known = kind === 'image' ? ['lime', 'occlusion', ...AGNOSTIC_ALIASES.filter((a) => ALIASES[a]![0] === 'image'), ...GRADIENT_METHODS] : ['lime', 'occlusion', 'lime-text', 'text-occlusion'];
  const why = TABULAR_ONLY.includes(method) ? `${method} explains tabular rows` : isGradientMethod(method) ? `${method} needs a differentiable image or tabular model` : `"${method}" is not a method`;
  throw new GlassboxError('invalid_argument', `--method: ${why}, but ${describe(kind, flags)}.`, { argument: '--method', hint: `For this input use one of: ${known.join(', ')}.` });
}

/** A flag → the routes/methods it applies to, as text for the error and as a predicate. */
interface FlagRule {
  readonly flag: string;
  readonly key: keyof ExplainFlags;
  readonly appliesTo: string;
  readonly ok: (route: ExplainRoute) => boolean;
}

const isImageLime = (r: ExplainRoute): boolean => r.route === 'image' && r.method === 'lime';
const isWindowed = (r: ExplainRoute): boolean => (r.route === 'image' || r.route === 'text') && r.method === 'occlusion';
const gradientOnly = (flag: string, key: keyof ExplainFlags): FlagRule => ({ flag, key, appliesTo: 'gradient methods (saliency, integrated-gradients, …)', ok: (r) => r.route === 'gradient' || r.route === 'tabular' });

const RULES: readonly FlagRule[] = [
  { flag: '--segmentation', key: 'segmentation', appliesTo: 'LIME on images (superpixels)', ok: isImageLime },
  { flag: '--segments', key: 'segments', appliesTo: 'LIME on images with --segmentation slic', ok: isImageLime },
  { flag: '--window', key: 'window', appliesTo: 'occlusion on images or text', ok: isWindowed },
  { flag: '--stride', key: 'stride', appliesTo: 'occlusion on images or text', ok: isWindowed },
  { flag: '--baseline', key: 'baseline', appliesTo: 'occlusion on images or text and integrated-gradients (tabular occlusion uses --background)', ok: (r) => isWindowed(r) || r.route === 'gradient' },
  { flag: '--labels', key: 'labels', appliesTo: 'image data and gradient methods (--target label)', ok: (r) => r.route === 'image' || r.route === 'gradient' },
  { flag: '--background', key: 'background', appliesTo: 'tabular rows', ok: (r) => r.route === 'tabular' },
  { flag: '--features', key: 'features', appliesTo: 'tabular rows', ok: (r) => r.route === 'tabular' },
  { flag: '--heatmaps', key: 'heatmaps', appliesTo: 'image data', ok: (r) => r.route !== 'text' },
  gradientOnly('--layer', 'layer'),
  gradientOnly('--steps', 'steps'),
  gradientOnly('--ig-rule', 'igRule'),
  gradientOnly('--sigma', 'sigma'),
  gradientOnly('--grad-output', 'gradOutput'),
  gradientOnly('--engine', 'engine'),
];

function checkFlags(route: ExplainRoute, kind: InputKind, flags: ExplainFlags): void {
  for (const rule of RULES) {
    if (flags[rule.key] === undefined || rule.ok(route)) continue;
    const what = route.route === 'image' || route.route === 'text' ? `--method ${route.method} on ${kind === 'text' ? 'text' : 'images'}` : route.route === 'gradient' ? `--method ${route.method}` : `--method ${route.method ?? '(default)'} on tabular rows`;
    throw new GlassboxError('invalid_argument', `${rule.flag} applies to ${rule.appliesTo}, not to ${what}.`, { argument: rule.flag, hint: `Drop ${rule.flag}, or pick a method it applies to.` });
  }
}

/** An integer flag of at least `min` (default 1). */
export function positiveFlag(flag: string, value: string | undefined, fallback: number, min = 1): number {
  const n = parseIntegerFlag(flag, value, fallback);
  if (n < min) throw new GlassboxError('invalid_argument', `${flag} must be at least ${min}; got ${n}.`, { argument: flag, hint: `e.g. ${flag} ${fallback}` });
  return n;
}

/** `--target` as a class name or an output index, checked against the model's classes and output width. */
export function parseTarget(value: string, model: Pick<Model, 'classes' | 'outputWidth'>): number {
  const byName = model.classes.indexOf(value);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(value) && Number(value) < model.outputWidth) return Number(value);
  throw new GlassboxError('invalid_argument', `--target "${value}" is neither a class name (${model.classes.join(', ')}) nor an output index below ${model.outputWidth}`, { argument: '--target' });
}
