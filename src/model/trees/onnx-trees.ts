import onnxProto from 'onnx-proto';
import { GlassboxError } from '../../errors.js';
import type { Task } from '../model.js';
import { validateEnsemble } from './decide.js';
import { SPLIT_OP, TreeEnsembleBuilder } from './ir.js';
import type { TreeEnsemble, TreeLink } from './ir.js';

const { onnx } = onnxProto;
type Attr = onnxProto.onnx.IAttributeProto;

const MODES: Record<string, number> = { BRANCH_LT: SPLIT_OP.LT, BRANCH_LEQ: SPLIT_OP.LE, BRANCH_GT: SPLIT_OP.GT, BRANCH_GTE: SPLIT_OP.GE, BRANCH_EQ: SPLIT_OP.EQ, BRANCH_NEQ: SPLIT_OP.NEQ };
const TREE_OPS = new Set(['TreeEnsembleClassifier', 'TreeEnsembleRegressor']);

function fail(file: string, message: string, hint = 'Re-export the model with skl2onnx or onnxmltools (ai.onnx.ml TreeEnsembleClassifier/Regressor).'): never {
  throw new GlassboxError('invalid_input', `${file}: ${message}`, { file, hint });
}

class Attrs {
  private readonly byName = new Map<string, Attr>();
  constructor(attrs: readonly Attr[], private readonly file: string) {
    for (const a of attrs) if (a.name) this.byName.set(a.name, a);
  }
  ints(name: string, required = true): number[] {
    const a = this.byName.get(name);
    if (!a) return required ? fail(this.file, `attribute "${name}" is missing`) : [];
    return (a.ints ?? []).map(Number);
  }
  floats(name: string): number[] {
    const a = this.byName.get(name);
    if (!a) return [];
    if (a.floats && a.floats.length > 0) return a.floats.map(Number);
    if (a.t) return tensorValues(a.t);
    return [];
  }
  strings(name: string): string[] {
    return (this.byName.get(name)?.strings ?? []).map((s) => new TextDecoder().decode(s));
  }
  string(name: string, fallback: string): string {
    const s = this.byName.get(name)?.s;
    return s && s.length > 0 ? new TextDecoder().decode(s) : fallback;
  }
  int(name: string, fallback: number): number {
    const a = this.byName.get(name);
    return a?.i === undefined || a.i === null ? fallback : Number(a.i);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
}

function tensorValues(t: onnxProto.onnx.ITensorProto): number[] {
  if (t.doubleData && t.doubleData.length > 0) return t.doubleData.map(Number);
  if (t.floatData && t.floatData.length > 0) return t.floatData.map(Number);
  const raw = t.rawData;
  if (!raw || raw.length === 0) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const isDouble = t.dataType === onnx.TensorProto.DataType.DOUBLE;
  const size = isDouble ? 8 : 4;
  return Array.from({ length: raw.byteLength / size }, (_, i) => (isDouble ? view.getFloat64(i * size, true) : view.getFloat32(i * size, true)));
}

interface Leaves {
  readonly tree: number[];
  readonly node: number[];
  readonly target: number[];
  readonly weight: number[];
}

/**
 * Parses an ONNX model holding one ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor (as
 * skl2onnx and onnxmltools export them) into the tree IR. Node modes BRANCH_LT/LEQ/GT/GTE/EQ/NEQ send
 * "true" to the left child; NaN takes the true branch iff nodes_missing_value_tracks_true (or the mode
 * is NEQ), as onnxruntime does. A leaf carrying weights for several classes becomes one tree per class.
 * Covers come from nodes_hitrates when present (otherwise path-dependent TreeSHAP needs `attachCovers`).
 */
export function parseOnnxTrees(bytes: Uint8Array, file = 'model.onnx'): TreeEnsemble {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new GlassboxError('invalid_input', `${file}: not a valid ONNX protobuf (${(cause as Error).message})`, { file, hint: 'The file is truncated or corrupted; re-export the model.' }, { cause });
  }
  const nodes = (model.graph?.node ?? []).filter((n) => TREE_OPS.has(n.opType ?? ''));
  if (nodes.length !== 1) {
    throw new GlassboxError('unsupported_model', `${file}: expected exactly one TreeEnsembleClassifier/Regressor node, found ${nodes.length}`, { file, hint: 'Load other ONNX models with the generic ONNX adapter; tree explanations need a tree-ensemble ONNX model.' });
  }
  const op = nodes[0]!;
  const a = new Attrs(op.attribute ?? [], file);
  const classifier = op.opType === 'TreeEnsembleClassifier';
  const leaves: Leaves = classifier
    ? { tree: a.ints('class_treeids'), node: a.ints('class_nodeids'), target: a.ints('class_ids'), weight: a.floats('class_weights') }
    : { tree: a.ints('target_treeids'), node: a.ints('target_nodeids'), target: a.ints('target_ids'), weight: a.floats('target_weights') };
  const labels = classifier ? classLabels(a) : [];
  const nTargets = classifier ? labels.length : a.int('n_targets', 1);
  const usedTargets = [...new Set(leaves.target)].sort((x, y) => x - y);
  const binarySingle = classifier && nTargets === 2 && usedTargets.length === 1;
  const groups = binarySingle ? 1 : nTargets;
  const post = a.string('post_transform', 'NONE');
  const link = linkFor(post, groups, file);
  const task: Task = classifier ? (nTargets === 2 ? 'binary' : 'multiclass') : 'regression';
  const aggregate = a.string('aggregate_function', 'SUM');
  if (aggregate !== 'SUM' && aggregate !== 'AVERAGE') throw new GlassboxError('unsupported_model', `${file}: aggregate_function ${aggregate} is not supported (SUM and AVERAGE are)`, { file });
  const featureIds = a.ints('nodes_featureids');
  const nFeatures = inputWidth(model, file) ?? Math.max(0, ...featureIds) + 1;
  const builder = new TreeEnsembleBuilder();
  const treeIds = [...new Set(a.ints('nodes_treeids'))];
  const scale = aggregate === 'AVERAGE' ? 1 / treeIds.length : 1;
  buildTrees(builder, a, leaves, treeIds, binarySingle ? new Map([[usedTargets[0]!, 0]]) : null, groups, scale, file);
  const base = a.floats('base_values');
  const baseMargin = new Float64Array(groups);
  for (let k = 0; k < groups; k++) baseMargin[k] = base.length === 0 ? 0 : (base[binarySingle ? Math.min(base.length - 1, usedTargets[0]!) : k] ?? 0);
  const ensemble = builder.finish({
    format: 'onnx',
    nFeatures,
    featureNames: Array.from({ length: nFeatures }, (_, j) => `f${j}`),
    nGroups: groups,
    objective: `${op.opType}:${post}`,
    link,
    task,
    classes: labels,
    baseMargin,
    inputPrecision: 'float32',
    accumulate: 'float64',
  });
  validateEnsemble(ensemble, file);
  return ensemble;
}

function classLabels(a: Attrs): string[] {
  const ints = a.ints('classlabels_int64s', false);
  if (ints.length > 0) return ints.map(String);
  return a.strings('classlabels_strings');
}

function linkFor(post: string, groups: number, file: string): TreeLink {
  if (post === 'NONE') return 'identity';
  if (post === 'LOGISTIC') return 'logistic';
  if (post === 'SOFTMAX' && groups > 1) return 'softmax';
  throw new GlassboxError('unsupported_model', `${file}: post_transform ${post} is not supported${post === 'SOFTMAX' ? ' with a single output' : ''}`, { file, hint: 'Supported post transforms: NONE, LOGISTIC, SOFTMAX.' });
}

function inputWidth(model: onnxProto.onnx.ModelProto, file: string): number | undefined {
  const input = model.graph?.input?.[0];
  const dims = input?.type?.tensorType?.shape?.dim ?? [];
  const last = dims[dims.length - 1];
  if (!last || last.dimValue === undefined || last.dimValue === null) return undefined;
  const width = Number(last.dimValue);
  if (!(width > 0)) return undefined;
  if (dims.length !== 2) fail(file, `input "${input?.name ?? ''}" has rank ${dims.length}; a tree ensemble takes [batch, features]`);
  return width;
}

function buildTrees(b: TreeEnsembleBuilder, a: Attrs, leaves: Leaves, treeIds: number[], remap: Map<number, number> | null, groups: number, scale: number, file: string): void {
  const tree = a.ints('nodes_treeids');
  const id = a.ints('nodes_nodeids');
  const feature = a.ints('nodes_featureids');
  const value = a.has('nodes_values') ? a.floats('nodes_values') : a.floats('nodes_values_as_tensor');
  const mode = a.strings('nodes_modes');
  const trueIds = a.ints('nodes_truenodeids');
  const falseIds = a.ints('nodes_falsenodeids');
  const tracks = a.ints('nodes_missing_value_tracks_true', false);
  const hit = a.floats('nodes_hitrates');
  const n = tree.length;
  for (const [name, arr] of [['nodes_nodeids', id], ['nodes_featureids', feature], ['nodes_values', value], ['nodes_modes', mode], ['nodes_truenodeids', trueIds], ['nodes_falsenodeids', falseIds]] as const) {
    if (arr.length !== n) fail(file, `attribute "${name}" has ${arr.length} entries but nodes_treeids has ${n}`);
  }
  // leaf weight per (tree, node, group)
  const weights = new Map<string, number>();
  leaves.tree.forEach((t, i) => {
    const g = remap ? remap.get(leaves.target[i]!) : leaves.target[i]!;
    if (g === undefined || g < 0 || g >= groups) fail(file, `leaf weight ${i} targets class/target ${leaves.target[i]} outside 0..${groups - 1}`);
    const key = `${t}:${leaves.node[i]}:${g}`;
    weights.set(key, (weights.get(key) ?? 0) + (leaves.weight[i] ?? 0) * scale);
  });
  for (const t of treeIds) {
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (tree[i] === t) rows.push(i);
    // the root (the node no other node points to) must come first
    const children = new Set(rows.flatMap((i) => (mode[i] === 'LEAF' ? [] : [trueIds[i]!, falseIds[i]!])));
    const rootAt = rows.findIndex((i) => !children.has(id[i]!));
    if (rootAt < 0) fail(file, `tree ${t} has no root node (every node is some node's child)`);
    rows.unshift(...rows.splice(rootAt, 1));
    const local = new Map(rows.map((i, k) => [id[i]!, k]));
    for (let g = 0; g < groups; g++) {
      if (!rows.some((i) => weights.has(`${t}:${id[i]}:${g}`))) continue;
      b.beginTree(g);
      const base = b.allocate(rows.length);
      rows.forEach((i, k) => {
        const node = base + k;
        if (hit.length === n) b.setCover(node, hit[i]!);
        const m = mode[i]!;
        if (m === 'LEAF') {
          b.setLeaf(node, weights.get(`${t}:${id[i]}:${g}`) ?? 0);
          return;
        }
        const op = MODES[m];
        if (op === undefined) throw new GlassboxError('unsupported_model', `${file}: node mode ${m} (tree ${t}, node ${id[i]}) is not supported`, { file, hint: 'Supported modes: BRANCH_LT, BRANCH_LEQ, BRANCH_GT, BRANCH_GTE, BRANCH_EQ, BRANCH_NEQ, LEAF.' });
        const l = local.get(trueIds[i]!);
        const r = local.get(falseIds[i]!);
        if (l === undefined || r === undefined) fail(file, `tree ${t} node ${id[i]} points to a missing child`);
        b.setSplit(node, { feature: feature[i]!, threshold: Math.fround(value[i]!), op, left: base + l, right: base + r, defaultLeft: tracks[i] === 1 || op === SPLIT_OP.NEQ });
      });
    }
  }
}
