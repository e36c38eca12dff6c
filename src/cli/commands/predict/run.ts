import { readFile } from 'node:fs/promises';
import { GlassboxError } from '../../../errors.js';
import { takeRows } from '../../../data/table.js';
import type { Model } from '../../../model/model.js';
import { applyCalibrator, type Calibrator } from '../../../uncertainty/calibration/calibrator.js';
import { calibratorFromJson } from '../../../uncertainty/calibration/calibrator-json.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { pipeline } from '../../../model/pipeline.js';
import { sliceRows } from '../../../model/tensor.js';
import { loadInputs, loadMoreRows, type InputFlags, type LoadedInputs } from '../../load-inputs.js';
import { parseChoice, selectRows } from '../../options.js';

export interface PredictFlags extends InputFlags {
  rows?: string;
  format?: string;
  calibrator?: string;
}

/** `glassbox predict`: prints the model's outputs for rows of a data file. */
export async function runPredict(flags: PredictFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'csv'] as const, 'json');
  const calibrator = flags.calibrator ? await readCalibrator(flags.calibrator) : undefined;
  const inputs = flags.demo && flags.data ? await demoWithRows(flags) : await loadInputs(flags, { seed: 0, rows: 'all', requireLabels: false });
  const rows = selectRows(inputs.table, flags.rows);
  const rowIds = Array.from(rows, (i) => inputs.table.rowIds[i]!);
  let outputs: Float32Array;
  if (inputs.encoder) {
    const table = takeRows(inputs.table, rows);
    outputs = await pipeline(inputs.model, inputs.encoder).predictRaw(rawMatrixFromTable(table, inputs.encoder.features));
  } else {
    outputs = await inputs.model.predict(sliceRows(inputs.x!, rows[0]!, rows[rows.length - 1]! + 1));
  }
  const width = inputs.model.outputWidth;
  const classes = inputs.model.task === 'regression' ? ['value'] : [...inputs.model.classes];
  const values: ArrayLike<number> = calibrator ? calibrated(calibrator, outputs, inputs.model, flags.calibrator!) : outputs;
  const matrix = Array.from(rows, (_, i) => Array.from({ length: width }, (_, k) => values[i * width + k]!));
  const applied = calibrator ? { calibrator: { file: flags.calibrator, kind: calibrator.kind, applied: true, note: `outputs are the model's probabilities after the ${calibrator.kind} calibrator` } } : {};
  if (calibrator && format === 'csv') process.stderr.write(`note: outputs calibrated by the ${calibrator.kind} calibrator in ${flags.calibrator}\n`);
  if (format === 'json') process.stdout.write(`${JSON.stringify({ classes, rowIds, outputs: matrix, ...applied })}\n`);
  else process.stdout.write(`${['row', ...classes.map(csvCell)].join(',')}\n${matrix.map((r, i) => [rowIds[i], ...r].join(',')).join('\n')}\n`);
}

/**
 * `--demo credit --data rows.csv`: the demo's model and encoder score the rows of another file, read
 * with the demo's schema (its label and split columns may be absent) and coded against its encoder.
 */
async function demoWithRows(flags: PredictFlags): Promise<LoadedInputs> {
  if (flags.model) throw new GlassboxError('invalid_argument', '--demo brings its own model; drop --model.', { argument: '--model' });
  const { data, ...demoFlags } = flags;
  const demo = await loadInputs(demoFlags, { seed: 0, rows: 'all', requireLabels: false });
  if (!demo.encoder) {
    await demo.model.dispose?.();
    throw new GlassboxError('invalid_argument', `--demo ${flags.demo} --data: only tabular demos (credit) score rows from another file.`, { argument: '--data', hint: `Drop --data to score the demo's own rows.` });
  }
  // rows to score need the model's features only: the demo's metadata and protected columns may be absent
  const { features, target, split } = demo.schema;
  const table = await loadMoreRows(data!, { schema: { features, ...(target ? { target } : {}), ...(split ? { split } : {}) }, encoder: demo.encoder }, flags);
  return { ...demo, table, all: table };
}

async function readCalibrator(file: string): Promise<Calibrator> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GlassboxError('invalid_input', `--calibrator ${file}: the file cannot be read.`, { file, argument: '--calibrator', hint: 'Write one with glassbox calibration --calibrator-out FILE.' }, { cause: error });
  }
  return calibratorFromJson(text, file);
}

/** The model's probabilities through the calibrator, refused when it was fitted on another model's classes. */
function calibrated(calibrator: Calibrator, outputs: Float32Array, model: Model, file: string): Float64Array {
  if (model.task === 'regression') throw new GlassboxError('invalid_argument', `--calibrator ${file}: a regression model has no class probabilities to calibrate.`, { argument: '--calibrator' });
  const names = calibrator.fittedOn.classNames;
  if (names && (names.length !== model.classes.length || names.some((c, k) => c !== model.classes[k]))) {
    throw new GlassboxError('shape_mismatch', `--calibrator ${file} was fitted on classes [${names.join(', ')}]; the model's are [${model.classes.join(', ')}].`, { argument: '--calibrator', hint: 'Use the calibrator fitted on this model (glassbox calibration --model … --calibrator-out FILE).' });
  }
  return applyCalibrator(calibrator, { values: outputs, k: model.outputWidth, space: 'probabilities' });
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
