import { labelsOf } from '../../../../data/schema-helpers.js';
import { findColumn, takeRows } from '../../../../data/table.js';
import { GlassboxError } from '../../../../errors.js';
import { loadInputs, type InputFlags } from '../../../load-inputs.js';
import { selectDemoRows, selectRows } from '../../../options.js';
import { DEFAULT_ROWS, parseTargetClass, withClassHint } from '../flags.js';
import type { LoadJob } from '../job.js';

/** The flags that say where text comes from (--target / --label name the label column when there is no schema). */
const TEXT_INPUT_FLAGS = ['demo', 'data', 'model', 'schema', 'target', 'label', 'textEncoder', 'delimiter'] as const;

/**
 * Documents of a text model: `--demo spam`, or `--model M --text-encoder E --data D` (a text
 * column); cut to --rows (default the first 10). The subject is the text classifier the scan uses.
 */
export const loadTextJob: LoadJob = async (flags, method, signal) => {
  if (!method) throw new Error('text input: the method is resolved before loading');
  // the demo is the standard (seed 0) one: --seed seeds the explanation, not the demo's data
  const given = Object.fromEntries(TEXT_INPUT_FLAGS.filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]])) as InputFlags;
  const inputs = await loadInputs(given, { seed: 0, requireLabels: false }).catch((error: unknown) => {
    throw withClassHint(error, flags);
  });
  const dispose = async (): Promise<void> => inputs.model.dispose?.();
  try {
    if (!inputs.text) {
      throw new GlassboxError('invalid_argument', 'This input has no text model: text explanations run on a model that scores raw strings.', { argument: '--demo', hint: 'Use --demo spam, or --model MODEL --text-encoder text-encoder.json --data texts.csv.' });
    }
    // --rows counts data rows of the whole file, whichever split they are in (a demo: its test rows)
    const table = flags.demo ? takeRows(inputs.table, selectDemoRows(inputs.table.nRows, flags.rows, DEFAULT_ROWS)) : takeRows(inputs.all, selectRows(inputs.all, flags.rows, DEFAULT_ROWS));
    const column = findColumn(table, inputs.text.column);
    if (column?.kind !== 'text') throw new GlassboxError('schema_mismatch', `The text column "${inputs.text.column}" is missing.`, { column: inputs.text.column });
    const target = inputs.schema.target;
    const labels = target && target.task !== 'regression' ? labelsOf(table, inputs.schema) : undefined;
    const classifier = inputs.text.classifier;
    const rowIds = Array.from(table.rowIds);
    const selector = parseTargetClass(flags.class, classifier, { selectors: true, labels: { ...(labels ? { labels } : {}), hint: 'Use --class predicted or a class name.' }, rowIds });
    return {
      method,
      subject: classifier,
      x: column.values,
      context: { ...(selector === undefined ? {} : { target: selector }), ...(signal ? { signal } : {}) },
      rowIds,
      classes: classifier.classes,
      layout: { kind: 'tokens', docs: column.values },
      ...(labels ? { labels } : {}),
      header: () => (labels ? { labels: Array.from(labels, (l) => classifier.classes[l] ?? null) } : {}),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
};
