import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { GlassboxError } from '../errors.js';
import type { InputColumn } from './model.js';

const { onnx } = onnxProto;

/** Element types a column input may have, and how a raw value is fed to it. */
type ColumnType = 'float32' | 'float64' | 'int64' | 'int32' | 'string';
const COLUMN_TYPES = new Set<string>(['float32', 'float64', 'int64', 'int32', 'string']);

/** One graph input fed from one raw column: its ONNX type and, for a categorical input, the values its codes stand for. */
export interface ColumnFeed extends InputColumn {
  readonly type: ColumnType;
  /** Categorical int64 inputs: the integer each code stands for. */
  readonly intValues?: readonly bigint[];
}

/** Ops that carry a value unchanged to the encoder that reads it. */
const CARRY = new Set(['Identity', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Cast']);

/**
 * True when a graph's inputs are raw columns rather than one float tensor: each input is one column
 * ([N, 1] or [N]) and there are several, or one that is not float32 (skl2onnx pipelines with a
 * ColumnTransformer export one input per column, strings for categories).
 */
export function hasColumnInputs(inputs: readonly ort.InferenceSession.ValueMetadata[]): boolean {
  const oneColumn = (m: ort.InferenceSession.ValueMetadata): boolean => m.isTensor && COLUMN_TYPES.has(m.type) && (m.shape.length === 1 || (m.shape.length === 2 && m.shape[1] === 1));
  return inputs.every(oneColumn) && (inputs.length > 1 || inputs.some((m) => m.isTensor && m.type !== 'float32'));
}

/**
 * The graph's inputs as raw columns, in graph order. Each must be a tensor of shape [N, 1] or [N].
 * A string input is categorical and takes its category list from the encoder inside the graph that
 * reads it (ai.onnx.ml OneHotEncoder `cats_strings`, LabelEncoder `keys_strings`, CategoryMapper
 * `cats_strings`); an int64 input read by a OneHotEncoder with `cats_int64s` is categorical too.
 * The model then carries its own encoding: rows are coded against these lists, never refitted.
 */
export function readColumnInputs(metadata: readonly ort.InferenceSession.ValueMetadata[], bytes: Uint8Array, source: string): ColumnFeed[] {
  const encoders = categoryEncoders(bytes);
  return metadata.map((meta): ColumnFeed => {
    if (!meta.isTensor || !COLUMN_TYPES.has(meta.type)) {
      throw new GlassboxError('unsupported_model', `${source}: input "${meta.name}" is ${meta.isTensor ? meta.type : 'not a tensor'}; column inputs must be float, int or string tensors.`, { file: source, hint: 'Export the model with float32/float64/int64/string inputs of shape [N, 1].' });
    }
    const dims = meta.shape.slice(1);
    if (dims.length > 1 || (dims.length === 1 && dims[0] !== 1)) {
      throw new GlassboxError('unsupported_model', `${source}: input "${meta.name}" has shape [${meta.shape.join(', ')}]; with several inputs, each must be one column, [N, 1] or [N].`, { file: source, hint: 'Export one input per column (skl2onnx: initial_types with one [None, 1] tensor per column).' });
    }
    const type = meta.type as ColumnType;
    const found = encoders.get(meta.name);
    if (type === 'string') {
      if (!found?.strings) {
        throw new GlassboxError('unsupported_model', `${source}: string input "${meta.name}" is read by no encoder that lists its categories (OneHotEncoder, LabelEncoder or CategoryMapper), so glassbox cannot tell which values the model knows.`, { file: source, hint: 'Export the pipeline with its OneHotEncoder/OrdinalEncoder inside the graph, or encode the column yourself and pass --preprocess.' });
      }
      return { name: meta.name, kind: 'categorical', categories: found.strings, type };
    }
    if (type === 'int64' && found?.ints) return { name: meta.name, kind: 'categorical', categories: found.ints.map(String), intValues: found.ints, type };
    return { name: meta.name, kind: 'numeric', type };
  });
}

/** For each tensor an ML encoder reads (looked through Identity/Cast/Reshape…), the category list the encoder holds. */
function categoryEncoders(bytes: Uint8Array): Map<string, { strings?: readonly string[]; ints?: readonly bigint[] }> {
  const found = new Map<string, { strings?: readonly string[]; ints?: readonly bigint[] }>();
  let graph: onnxProto.onnx.IGraphProto | null | undefined;
  try {
    graph = onnx.ModelProto.decode(bytes).graph;
  } catch {
    return found;
  }
  const producers = new Map<string, onnxProto.onnx.INodeProto>();
  for (const node of graph?.node ?? []) for (const out of node.output ?? []) producers.set(out, node);
  const origin = (name: string): string => {
    let current = name;
    for (let hops = 0; hops < 16; hops++) {
      const node = producers.get(current);
      const next = node?.input?.[0];
      if (!node?.opType || !CARRY.has(node.opType) || next === undefined) return current;
      current = next;
    }
    return current;
  };
  const decode = (list: Uint8Array[] | null | undefined): string[] | undefined => (list && list.length > 0 ? list.map((s) => new TextDecoder().decode(s)) : undefined);
  for (const node of graph?.node ?? []) {
    const input = node.input?.[0];
    if (input === undefined) continue;
    const attr = (name: string) => node.attribute?.find((a) => a.name === name);
    let strings: string[] | undefined;
    let ints: bigint[] | undefined;
    if (node.opType === 'OneHotEncoder' || node.opType === 'CategoryMapper') {
      strings = decode(attr('cats_strings')?.strings);
      const int64s = attr('cats_int64s')?.ints;
      if (int64s && int64s.length > 0) ints = int64s.map((v) => BigInt(v.toString()));
    } else if (node.opType === 'LabelEncoder') {
      strings = decode(attr('keys_strings')?.strings);
    }
    if (strings || ints) found.set(origin(input), { ...(strings ? { strings } : {}), ...(ints ? { ints } : {}) });
  }
  return found;
}

/**
 * Graph feeds for rows [start, start + n) of a raw matrix (one float per column: a number, or a
 * categorical column's code into its category list). A missing or unknown code becomes the empty
 * string (or 0 for an int category), which an encoder with `zeros=1` maps to all zeros.
 */
export function columnFeeds(columns: readonly ColumnFeed[], data: Float32Array, start: number, n: number): Record<string, ort.Tensor> {
  const width = columns.length;
  const feeds: Record<string, ort.Tensor> = {};
  columns.forEach((column, j) => {
    const at = (i: number): number => data[(start + i) * width + j]!;
    const dims = [n, 1];
    if (column.kind === 'categorical') {
      const valid = (code: number): boolean => Number.isInteger(code) && code >= 0 && code < column.categories!.length;
      if (column.type === 'string') feeds[column.name] = new ort.Tensor('string', Array.from({ length: n }, (_, i) => (valid(at(i)) ? column.categories![at(i)]! : '')), dims);
      else feeds[column.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => (valid(at(i)) ? column.intValues![at(i)]! : 0n)), dims);
      return;
    }
    if (column.type === 'float32') feeds[column.name] = new ort.Tensor('float32', Float32Array.from({ length: n }, (_, i) => at(i)), dims);
    else if (column.type === 'float64') feeds[column.name] = new ort.Tensor('float64', Float64Array.from({ length: n }, (_, i) => at(i)), dims);
    else if (column.type === 'int64') feeds[column.name] = new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(integer(at(i), column.name, start + i))), dims);
    else feeds[column.name] = new ort.Tensor('int32', Int32Array.from({ length: n }, (_, i) => integer(at(i), column.name, start + i)), dims);
  });
  return feeds;
}

/** An integer input's value: missing values have no integer form, so they are refused by row. */
function integer(value: number, column: string, row: number): number {
  if (!Number.isFinite(value)) {
    throw new GlassboxError('invalid_input', `Input row ${row}: column "${column}" is missing, and the model's input "${column}" is an integer tensor with no missing value.`, { column, row, hint: 'Drop or impute the rows (--missing drop|impute).' });
  }
  return Math.round(value);
}
