import { GlassboxError } from '../errors.js';

/** Raw scores of one batch as the server gave them: n rows × width values, row-major. */
export interface RawScores {
  readonly values: Float32Array;
  readonly width: number;
}

export interface KServeRequestOptions {
  readonly inputName: string;
  readonly rowDims: readonly number[];
}

/**
 * KServe v2 (Open Inference Protocol) request body: one FP32 input tensor, data flat in row-major order.
 * https://kserve.github.io/website/latest/modelserving/data_plane/v2_protocol/
 */
export function kserveRequest(x: Float32Array, nRows: number, options: KServeRequestOptions): string {
  return JSON.stringify({ inputs: [{ name: options.inputName, shape: [nRows, ...options.rowDims], datatype: 'FP32', data: Array.from(x) }] });
}

function malformed(source: string, message: string, hint: string): GlassboxError {
  return new GlassboxError('model_error', `${source}: malformed response: ${message}`, { hint });
}

/** Reads the chosen output tensor (by name, else the first) of a KServe v2 response. */
export function parseKServeResponse(json: unknown, nRows: number, outputName: string | undefined, source: string): RawScores {
  const outputs = (json as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs) || outputs.length === 0) {
    throw malformed(source, 'no "outputs" array', 'A KServe v2 response is {"outputs": [{"name", "shape", "datatype", "data"}]}.');
  }
  const output = (outputName === undefined ? outputs[0] : outputs.find((o) => (o as { name?: unknown })?.name === outputName)) as { name?: unknown; shape?: unknown; data?: unknown } | undefined;
  if (output === undefined) {
    const names = outputs.map((o) => String((o as { name?: unknown })?.name)).join(', ');
    throw malformed(source, `no output named "${outputName}" (outputs: ${names})`, 'Set outputName to one of the listed outputs.');
  }
  const { shape, data } = output;
  if (!Array.isArray(shape) || shape.length === 0 || shape.some((d) => !(Number.isInteger(d) && (d as number) >= 0))) {
    throw malformed(source, `output "${String(output.name)}" has shape ${JSON.stringify(shape)}`, 'The shape must be a list of non-negative integers, batch first.');
  }
  if (shape[0] !== nRows) {
    throw malformed(source, `output "${String(output.name)}" has shape [${shape.join(', ')}] for a batch of ${nRows} rows`, 'The server must answer one row per input row.');
  }
  const width = (shape as number[]).slice(1).reduce((a, b) => a * b, 1);
  const values = numbers(data, nRows * width, source, `output "${String(output.name)}" data`);
  return { values, width };
}

/** Generic JSON request: `{ [instances path]: number[][] }` (each row flat). */
export function jsonRequest(x: Float32Array, nRows: number, rowSize: number, instancesPath: string): string {
  const rows = new Array<number[]>(nRows);
  for (let i = 0; i < nRows; i++) rows[i] = Array.from(x.subarray(i * rowSize, (i + 1) * rowSize));
  return JSON.stringify(setPath(instancesPath, rows));
}

/** Generic JSON response: `{ [predictions path]: number[][] | number[] }`, one entry per row. */
export function parseJsonResponse(json: unknown, nRows: number, predictionsPath: string, source: string): RawScores {
  const predictions = getPath(json, predictionsPath);
  if (!Array.isArray(predictions)) {
    throw malformed(source, `no array at "${predictionsPath}"`, `Expected {"${predictionsPath}": [[…], …]}; set the predictions path if the server uses another field.`);
  }
  if (predictions.length !== nRows) {
    throw malformed(source, `"${predictionsPath}" has ${predictions.length} rows for a batch of ${nRows}`, 'The server must answer one prediction per instance.');
  }
  if (nRows === 0) return { values: new Float32Array(0), width: 1 };
  const nested = Array.isArray(predictions[0]);
  const width = nested ? (predictions[0] as unknown[]).length : 1;
  const values = new Float32Array(nRows * width);
  for (let i = 0; i < nRows; i++) {
    const row: unknown = predictions[i];
    if (Array.isArray(row) !== nested || (nested && (row as unknown[]).length !== width)) {
      const got = Array.isArray(row) ? `${row.length} values` : 'a single value';
      throw malformed(source, `"${predictionsPath}" row ${i} has ${got}, row 0 has ${nested ? `${width} values` : 'a single value'}`, 'Every prediction must have the same number of scores.');
    }
    const items = nested ? (row as unknown[]) : [row];
    for (let c = 0; c < width; c++) values[i * width + c] = numberAt(items[c], source, `"${predictionsPath}" row ${i}`);
  }
  return { values, width };
}

function numberAt(value: unknown, source: string, where: string): number {
  if (typeof value !== 'number') throw malformed(source, `${where} holds ${JSON.stringify(value) ?? String(value)}, not a number`, 'Scores must be JSON numbers.');
  return value;
}

/** Flattens (nested) arrays of numbers into float32, checking the count. */
function numbers(data: unknown, expected: number, source: string, where: string): Float32Array {
  if (!Array.isArray(data)) throw malformed(source, `${where} is not an array`, 'Tensor data must be a (flat, row-major) array of numbers.');
  const flat = data.flat(Infinity) as unknown[];
  if (flat.length !== expected) throw malformed(source, `${where} has ${flat.length} values but its shape needs ${expected}`, 'The data length must equal the product of the shape.');
  const values = new Float32Array(expected);
  for (let k = 0; k < expected; k++) values[k] = numberAt(flat[k], source, `${where}[${k}]`);
  return values;
}

/** `a.b.c` → value, or undefined when any step is missing. */
export function getPath(json: unknown, path: string): unknown {
  let value = json;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function setPath(path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let result: unknown = value;
  for (let k = keys.length - 1; k >= 0; k--) result = { [keys[k]!]: result };
  return result as Record<string, unknown>;
}
