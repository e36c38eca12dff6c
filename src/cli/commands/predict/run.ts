import { takeRows } from '../../../data/table.js';
import { rawMatrixFromTable } from '../../../encode/raw-matrix.js';
import { pipeline } from '../../../model/pipeline.js';
import { sliceRows } from '../../../model/tensor.js';
import { loadInputs, type InputFlags } from '../../load-inputs.js';
import { parseChoice, selectRows } from '../../options.js';

export interface PredictFlags extends InputFlags {
  rows?: string;
  format?: string;
}

/** `glassbox predict`: prints the model's outputs for rows of a data file. */
export async function runPredict(flags: PredictFlags): Promise<void> {
  const format = parseChoice('--format', flags.format, ['json', 'csv'] as const, 'json');
  const inputs = await loadInputs(flags, { seed: 0, rows: 'all', requireLabels: false });
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
  const matrix = Array.from(rows, (_, i) => Array.from(outputs.subarray(i * width, (i + 1) * width)));
  if (format === 'json') process.stdout.write(`${JSON.stringify({ classes, rowIds, outputs: matrix })}\n`);
  else process.stdout.write(`${['row', ...classes.map(csvCell)].join(',')}\n${matrix.map((r, i) => [rowIds[i], ...r].join(',')).join('\n')}\n`);
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
