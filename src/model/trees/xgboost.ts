import { GlassboxError } from '../../errors.js';
import { validateEnsemble } from './decide.js';
import { SPLIT_OP, TreeEnsembleBuilder } from './ir.js';
import type { TreeEnsemble, TreeLink } from './ir.js';
import type { Task } from '../model.js';
import { xgboostCategories } from './xgboost-categories.js';

interface XgbObjective {
  readonly link: TreeLink;
  readonly task: Task;
  /** base_score is given in output space and turned into a margin with logit. */
  readonly logitBase: boolean;
}

const OBJECTIVES: Record<string, XgbObjective> = {
  'binary:logistic': { link: 'logistic', task: 'binary', logitBase: true },
  // logitraw predicts the log-odds margin; glassbox's predict() reports probabilities, so the link is logistic
  'binary:logitraw': { link: 'logistic', task: 'binary', logitBase: true },
  'reg:logistic': { link: 'logistic', task: 'regression', logitBase: true },
  'reg:squarederror': { link: 'identity', task: 'regression', logitBase: false },
  'reg:linear': { link: 'identity', task: 'regression', logitBase: false },
  'multi:softprob': { link: 'softmax', task: 'multiclass', logitBase: false },
  'multi:softmax': { link: 'softmax', task: 'multiclass', logitBase: false },
};

type Json = Record<string, unknown>;

function fail(file: string, message: string, hint: string): never {
  throw new GlassboxError('invalid_input', `${file}: ${message}`, { file, hint });
}

function obj(value: unknown, file: string, where: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(file, `${where} is missing or not an object`, 'This does not look like an XGBoost save_model JSON file; save it with Booster.save_model("model.json").');
  return value as Json;
}

function numArray(tree: Json, key: string, n: number, file: string, t: number): number[] {
  const v = tree[key];
  if (!Array.isArray(v) || v.length < n) fail(file, `tree ${t}: "${key}" is missing or shorter than num_nodes (${n})`, 'The model file is truncated or corrupted; re-save it with Booster.save_model.');
  return v as number[];
}

/**
 * XGBoost's base_score: a number, a string such as "5E-1", or (XGBoost ≥ 2) a bracketed vector string
 * such as "[5E-1]" or "[1E-1,2E-1]". Returns one value per output group.
 */
export function parseBaseScore(raw: unknown, groups: number, file: string): number[] {
  const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '0.5';
  const parts = text.replace(/^\[/, '').replace(/\]$/, '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const values = parts.map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) fail(file, `base_score "${text}" is not a number`, 'Re-save the model; base_score must be numeric.');
  if (values.length === 1) return new Array<number>(groups).fill(values[0]!);
  if (values.length !== groups) fail(file, `base_score has ${values.length} values but the model has ${groups} output groups`, 'Re-save the model with a matching base_score.');
  return values;
}

/** XGBoost's ProbToMargin for logistic objectives, computed in float32 as XGBoost does. */
function logitF32(p: number, file: string): number {
  if (!(p > 0 && p < 1)) fail(file, `base_score ${p} must lie strictly between 0 and 1 for a logistic objective`, 'Re-train or edit base_score to a probability in (0, 1).');
  return Math.fround(-Math.log(Math.fround(Math.fround(1 / Math.fround(p)) - 1)));
}

/**
 * Parses an XGBoost `save_model` JSON document (gbtree booster) into the tree IR.
 * Split rule: left iff float32(x) < split_condition; missing values follow default_left; categorical
 * splits (split_type 1) send the listed categories right, as XGBoost does.
 */
export function parseXgboostJson(text: string, file = 'model.json'): TreeEnsemble {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new GlassboxError('invalid_input', `${file}: not valid JSON (${(cause as Error).message})`, { file, hint: 'The file is truncated or corrupted; re-save the model with Booster.save_model("model.json").' }, { cause });
  }
  const learner = obj(obj(doc, file, 'the document').learner, file, '"learner"');
  const booster = obj(learner.gradient_booster, file, '"learner.gradient_booster"');
  const name = String(booster.name ?? '');
  if (name === 'dart' || name === 'gblinear') {
    throw new GlassboxError('unsupported_model', `${file}: the "${name}" booster is not supported; glassbox reads gbtree models only`, { file, hint: name === 'dart' ? 'Re-train with booster="gbtree", or explain the dart model with a model-agnostic method (kernel SHAP) through an ONNX export.' : 'A gblinear model is linear: explain it with its coefficients or a model-agnostic method.' });
  }
  if (name !== 'gbtree') fail(file, `unknown booster "${name}"`, 'Only gbtree boosters saved by XGBoost ≥ 1.0 in JSON format are supported.');
  const objName = String(obj(learner.objective, file, '"learner.objective"').name ?? '');
  const objective = OBJECTIVES[objName];
  if (!objective) {
    throw new GlassboxError('unsupported_model', `${file}: unknown XGBoost objective "${objName}"`, { file, hint: `Supported objectives: ${Object.keys(OBJECTIVES).join(', ')}.` });
  }
  const params = obj(learner.learner_model_param, file, '"learner.learner_model_param"');
  const nFeatures = Number(params.num_feature);
  const numClass = Number(params.num_class ?? 0);
  if (!Number.isInteger(nFeatures) || nFeatures <= 0) fail(file, `num_feature "${String(params.num_feature)}" is not a positive integer`, 'The model file is corrupted; re-save it.');
  const groups = objective.task === 'multiclass' ? numClass : 1;
  if (objective.task === 'multiclass' && !(groups >= 2)) fail(file, `objective ${objName} needs num_class ≥ 2, got "${String(params.num_class)}"`, 'The model file is corrupted; re-save it.');
  const base = parseBaseScore(params.base_score, groups, file).map((b) => (objective.logitBase ? logitF32(b, file) : Math.fround(b)));
  const model = obj(booster.model, file, '"gradient_booster.model"');
  const trees = model.trees;
  const treeInfo = model.tree_info;
  if (!Array.isArray(trees) || !Array.isArray(treeInfo) || treeInfo.length !== trees.length) fail(file, '"trees" / "tree_info" are missing or of different lengths', 'The model file is truncated or corrupted; re-save it.');
  const builder = new TreeEnsembleBuilder();
  trees.forEach((tree, t) => addTree(builder, obj(tree, file, `tree ${t}`), Number(treeInfo[t]), t, file, groups));
  const featureNames = Array.isArray(learner.feature_names) && learner.feature_names.length === nFeatures ? (learner.feature_names as unknown[]).map(String) : Array.from({ length: nFeatures }, (_, j) => `f${j}`);
  const ensemble = builder.finish({
    format: 'xgboost',
    nFeatures,
    featureNames,
    nGroups: groups,
    objective: objName,
    link: objective.link,
    task: objective.task,
    classes: objective.task === 'binary' ? ['0', '1'] : objective.task === 'multiclass' ? Array.from({ length: groups }, (_, k) => String(k)) : [],
    baseMargin: Float64Array.from(base),
    inputPrecision: 'float32',
    accumulate: 'float32',
  });
  validateEnsemble(ensemble, file);
  const categories = xgboostCategories(model, nFeatures, file);
  return categories ? Object.freeze({ ...ensemble, featureCategories: categories }) : ensemble;
}

function addTree(b: TreeEnsembleBuilder, tree: Json, group: number, t: number, file: string, groups: number): void {
  if (!Number.isInteger(group) || group < 0 || group >= groups) fail(file, `tree ${t} belongs to output group ${group}, outside 0..${groups - 1}`, 'The model file is corrupted; re-save it.');
  const param = obj(tree.tree_param, file, `tree ${t} "tree_param"`);
  const n = Number(param.num_nodes);
  if (!Number.isInteger(n) || n <= 0) fail(file, `tree ${t}: num_nodes "${String(param.num_nodes)}" is invalid`, 'The model file is corrupted; re-save it.');
  const leftC = numArray(tree, 'left_children', n, file, t);
  const rightC = numArray(tree, 'right_children', n, file, t);
  const cond = numArray(tree, 'split_conditions', n, file, t);
  const index = numArray(tree, 'split_indices', n, file, t);
  const defaultLeft = numArray(tree, 'default_left', n, file, t);
  const hess = numArray(tree, 'sum_hessian', n, file, t);
  const loss = numArray(tree, 'loss_changes', n, file, t);
  const splitType = Array.isArray(tree.split_type) ? (tree.split_type as number[]) : [];
  const cats = categoriesByNode(tree);
  b.beginTree(group);
  const base = b.allocate(n);
  for (let i = 0; i < n; i++) {
    const node = base + i;
    b.setCover(node, Number(hess[i]));
    const l = Number(leftC[i]);
    if (l === -1) {
      b.setLeaf(node, Math.fround(Number(cond[i])));
      continue;
    }
    const r = Number(rightC[i]);
    if (!(l > 0 && l < n && r > 0 && r < n)) fail(file, `tree ${t} node ${i} has children ${l}/${r} outside 0..${n - 1}`, 'The model file is corrupted; re-save it.');
    const gain = Number(loss[i]);
    if (splitType[i] === 1) {
      // XGBoost sends the listed categories right; the IR's IN_SET goes left, so swap the children.
      b.setSplit(node, { feature: Number(index[i]), threshold: 0, op: SPLIT_OP.IN_SET, left: base + r, right: base + l, defaultLeft: Number(defaultLeft[i]) !== 1, gain });
      b.setCategories(node, toBitset(cats.get(i) ?? []));
    } else {
      b.setSplit(node, { feature: Number(index[i]), threshold: Math.fround(Number(cond[i])), op: SPLIT_OP.LT, left: base + l, right: base + r, defaultLeft: Number(defaultLeft[i]) === 1, gain });
    }
  }
}

function categoriesByNode(tree: Json): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const nodes = tree.categories_nodes;
  const segments = tree.categories_segments;
  const sizes = tree.categories_sizes;
  const cats = tree.categories;
  if (!Array.isArray(nodes) || !Array.isArray(segments) || !Array.isArray(sizes) || !Array.isArray(cats)) return out;
  nodes.forEach((node, k) => {
    const start = Number(segments[k]);
    out.set(Number(node), (cats as number[]).slice(start, start + Number(sizes[k])));
  });
  return out;
}

/** Category list → 32-bit words with bit c set for each category c. */
export function toBitset(categories: readonly number[]): number[] {
  const max = categories.reduce((m, c) => Math.max(m, c), -1);
  const words = new Array<number>((max >> 5) + 1).fill(0);
  for (const c of categories) words[c >> 5] = (words[c >> 5]! | (1 << (c & 31))) >>> 0;
  return words;
}
