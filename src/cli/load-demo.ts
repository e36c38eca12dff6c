import { GlassboxError } from '../errors.js';
import { takeRows } from '../data/table.js';
import { listDemos, loadDemo } from '../demos/index.js';
import type { Demo } from '../demos/types.js';
import type { ScanText } from '../scan/detector.js';
import { splitRows } from '../demos/splits.js';
import { gatherRows } from '../model/tensor.js';
import type { LoadedInputs, LoadInputsOptions } from './load-inputs.js';

/** Loads a built-in demo as scan inputs: the test split is audited, the train split is kept beside it. */
export async function loadDemoInputs(name: string, options: LoadInputsOptions): Promise<LoadedInputs> {
  const known = listDemos().map((d) => d.name);
  if (!known.includes(name as (typeof known)[number])) {
    throw new GlassboxError('invalid_argument', `--demo "${name}" is not a built-in demo.`, { argument: '--demo', hint: `Choose one of: ${known.join(', ')}.` });
  }
  const demo = await loadDemo(name, { seed: options.seed });
  const describe = { data: `demo:${name}`, model: `demo:${name}`, demo: name };
  const truth = demo.groundTruth === undefined ? {} : { groundTruth: demo.groundTruth };
  const text = textOf(demo);
  const split = demo.schema.split;
  if (!split || options.rows === 'all') {
    return { table: demo.table, all: demo.table, schema: demo.schema, model: demo.model, x: demo.inputs, ...(demo.encoder ? { encoder: demo.encoder } : {}), describe, ...truth, ...text };
  }
  const { train, test } = splitRows(demo.table, split.column, split.testValue);
  return {
    table: takeRows(demo.table, test),
    train: takeRows(demo.table, train),
    all: demo.table,
    schema: demo.schema,
    model: demo.model,
    x: gatherRows(demo.inputs, test),
    trainX: gatherRows(demo.inputs, train),
    ...(demo.encoder ? { encoder: demo.encoder } : {}),
    describe,
    ...truth,
    ...text,
  };
}

/** Demos that score raw strings (spam) expose a text classifier over their text column. */
function textOf(demo: Demo): { text?: ScanText } {
  const scorer = demo as Demo & { predictTexts?: (texts: readonly string[], options?: { signal?: AbortSignal }) => Promise<Float32Array> };
  const column = demo.schema.features.find((f) => f.type === 'text')?.name;
  if (typeof scorer.predictTexts !== 'function' || !column) return {};
  const { task, classes, outputWidth } = demo.model;
  return { text: { column, classifier: { task, classes, outputWidth, predictTexts: (texts, options) => scorer.predictTexts!(texts, options) } } };
}

