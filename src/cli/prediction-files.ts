import { readFileSync } from 'node:fs';
import { GlassboxError } from '../errors.js';
import { npyToFloat64, readNpy } from '../data/npy.js';

/** A row-major n × k matrix of model outputs read from a file. */
export interface ScoreMatrix {
  readonly values: Float64Array;
  readonly n: number;
  readonly k: number;
}

/**
 * Reads saved model outputs: a `.npy` array n × k (float32/float64), or a CSV/TSV of k numeric columns
 * (a header line of names is allowed), or `glassbox predict`'s JSON ({"outputs": number[n][k]}).
 * `flag` names the option in errors.
 */
export function readScoreMatrix(file: string, flag: string): ScoreMatrix {
  if (file.endsWith('.npy')) {
    const array = readNpy(file);
    if (array.shape.length !== 2) throw new GlassboxError('shape_mismatch', `${file} (${flag}) has shape [${array.shape.join(', ')}]; expected rows × classes.`, { file, argument: flag, hint: 'Save an n × K matrix: numpy.save(path, probs) with probs.shape == (n, K).' });
    return { values: npyToFloat64(array), n: array.shape[0]!, k: array.shape[1]! };
  }
  const text = readText(file, flag);
  if (file.endsWith('.json')) {
    const json = JSON.parse(text) as { outputs?: unknown };
    const rows = json.outputs;
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every((r) => Array.isArray(r) && r.length === (rows[0] as unknown[]).length && r.every((v) => typeof v === 'number'))) {
      throw new GlassboxError('invalid_input', `${file} (${flag}): expected {"outputs": number[rows][classes]} as glassbox predict writes it.`, { file, argument: flag, hint: 'glassbox predict --model M --data D --format json > outputs.json' });
    }
    return { values: Float64Array.from((rows as number[][]).flat()), n: rows.length, k: (rows[0] as number[]).length };
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const delimiter = lines[0]?.includes('\t') ? '\t' : ',';
  const header = lines.length > 0 && lines[0]!.split(delimiter).some((cell) => cell.trim() !== '' && !Number.isFinite(Number(cell)));
  const body = header ? lines.slice(1) : lines;
  if (body.length === 0) throw new GlassboxError('invalid_input', `${file} (${flag}) holds no rows of numbers.`, { file, argument: flag });
  const k = body[0]!.split(delimiter).length;
  const values = new Float64Array(body.length * k);
  body.forEach((line, i) => {
    const cells = line.split(delimiter);
    const lineNo = i + 1 + (header ? 1 : 0);
    if (cells.length !== k) throw new GlassboxError('shape_mismatch', `${file} line ${lineNo} has ${cells.length} columns; line ${header ? 2 : 1} has ${k}.`, { file, row: i, argument: flag, hint: 'One row per prediction, one column per class.' });
    cells.forEach((cell, c) => {
      const v = Number(cell);
      if (cell.trim() === '' || !Number.isFinite(v)) throw new GlassboxError('invalid_input', `${file} line ${lineNo}, column ${c + 1}: "${cell}" is not a number.`, { file, row: i, argument: flag });
      values[i * k + c] = v;
    });
  });
  return { values, n: body.length, k };
}

/**
 * Reads class labels from a `.npy` vector (integers, any numeric dtype) or a text/CSV file of one label
 * per line (a header line is allowed): 0-based class indices, or class names when `classes` is given.
 */
export function readLabelFile(file: string, flag: string, classes?: readonly string[]): Int32Array {
  let values: (number | string)[];
  if (file.endsWith('.npy')) {
    const array = readNpy(file);
    if (array.shape.length !== 1 && !(array.shape.length === 2 && array.shape[1] === 1)) throw new GlassboxError('shape_mismatch', `${file} (${flag}) has shape [${array.shape.join(', ')}]; expected one label per row.`, { file, argument: flag });
    values = Array.from(npyToFloat64(array));
  } else {
    const lines = readText(file, flag).split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    const isLabel = (cell: string): boolean => Number.isInteger(Number(cell)) || (classes?.includes(cell) ?? false);
    values = (lines.length > 0 && !isLabel(lines[0]!) ? lines.slice(1) : lines).map((cell) => (Number.isFinite(Number(cell)) ? Number(cell) : cell));
  }
  return Int32Array.from(values, (v, i) => {
    const index = typeof v === 'string' ? (classes?.indexOf(v) ?? -1) : v;
    if (!Number.isInteger(index) || index < 0) throw new GlassboxError('invalid_input', `${file} (${flag}), row ${i}: ${JSON.stringify(v)} is not a class index${classes ? ` or one of ${classes.join(', ')}` : ''}.`, { file, row: i, argument: flag, hint: 'Give 0-based class indices, one per row of the predictions.' });
    return index;
  });
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new GlassboxError('invalid_input', `${flag} ${file}: the file cannot be read.`, { file, argument: flag, hint: 'Check the path.' }, { cause: error });
  }
}
