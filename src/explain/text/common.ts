import { GlassboxError, throwIfAborted } from '../../errors.js';
import type { Attribution } from '../attribution.js';
import type { ExplainContext } from '../explainer.js';
import { resolveTarget } from '../target.js';
import type { TextClassifier } from './classifier.js';
import { indexText } from './tokens.js';
import type { IndexedText } from './tokens.js';

export interface TextRowResult {
  readonly values: Float64Array;
  readonly base: number;
  readonly extra?: Record<string, unknown>;
}

/** Predicts texts in batches; n × outputWidth. */
export async function predictTexts(model: TextClassifier, texts: readonly string[], batch: number, signal?: AbortSignal): Promise<Float32Array> {
  const out = new Float32Array(texts.length * model.outputWidth);
  for (let start = 0; start < texts.length; start += batch) {
    throwIfAborted(signal);
    const end = Math.min(texts.length, start + batch);
    const y = await model.predictTexts(texts.slice(start, end), signal ? { signal } : undefined);
    if (y.length !== (end - start) * model.outputWidth) throw new GlassboxError('shape_mismatch', `predictTexts returned ${y.length} values for ${end - start} texts; expected ${(end - start) * model.outputWidth}`, { hint: 'Return one row of outputWidth values per text.' });
    out.set(y, start * model.outputWidth);
  }
  return out;
}

/**
 * Shared driver of text explainers: tokenises each document, predicts the originals, resolves the
 * targets and runs the per-document estimator. Values are padded to the longest document's player
 * count; `extras.tokens` holds each document's players (words) for highlighting.
 */
export async function explainTexts(args: {
  readonly method: string;
  readonly model: TextClassifier;
  readonly docs: readonly string[];
  readonly context: ExplainContext<readonly string[]> | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed?: number;
  readonly bow: boolean;
  readonly estimate: (input: { text: IndexedText; target: number; fx: Float32Array; signal: AbortSignal | undefined }) => Promise<TextRowResult>;
}): Promise<Attribution> {
  const { model, docs, context } = args;
  if (!Array.isArray(docs) || docs.length === 0) throw new GlassboxError('invalid_input', `${args.method}: x must be a non-empty array of strings`, { argument: 'x', hint: 'Pass the documents to explain as string[].' });
  const signal = context?.signal;
  throwIfAborted(signal);
  const texts = docs.map((d) => indexText(d, { bow: args.bow }));
  const fx = await predictTexts(model, docs, 256, signal);
  const target = resolveTarget(context?.target, fx, docs.length, model);
  const width = Math.max(1, ...texts.map((t) => t.players.length));
  const values = new Float64Array(docs.length * width);
  const outputs = new Float64Array(docs.length);
  const baseValues = new Float64Array(docs.length);
  const extras: Record<string, unknown[]> = { tokens: [] };
  for (let r = 0; r < docs.length; r++) {
    throwIfAborted(signal);
    const w = model.outputWidth;
    const res = await args.estimate({ text: texts[r]!, target: target[r]!, fx: fx.subarray(r * w, (r + 1) * w), signal });
    values.set(res.values, r * width);
    outputs[r] = fx[r * w + target[r]!]!;
    baseValues[r] = res.base;
    extras['tokens']!.push([...texts[r]!.players]);
    for (const [k, v] of Object.entries(res.extra ?? {})) (extras[k] ??= []).push(v);
    context?.onProgress?.(r + 1, docs.length);
  }
  return Object.freeze({
    method: args.method,
    values,
    shape: [docs.length, width],
    baseValues,
    outputs,
    featureNames: Array.from({ length: width }, (_, i) => `token ${i}`),
    target,
    options: args.options,
    ...(args.seed === undefined ? {} : { seed: args.seed }),
    extras,
  });
}
