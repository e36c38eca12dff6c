import { GlassboxError } from '../../errors.js';
import type { Task } from '../model.js';
import { validateEnsemble } from './decide.js';
import { SPLIT_OP, TreeEnsembleBuilder } from './ir.js';
import type { TreeEnsemble, TreeLink } from './ir.js';

const IDENTITY_OBJECTIVES = new Set(['regression', 'regression_l2', 'regression_l1', 'l2', 'l1', 'mse', 'mae', 'huber', 'fair', 'quantile', 'mape', 'rmse']);

function fail(file: string, message: string, hint = 'The model file is truncated or corrupted; re-save it with Booster.save_model("model.txt").'): never {
  throw new GlassboxError('invalid_input', `${file}: ${message}`, { file, hint });
}

/** Splits a LightGBM text model into its header and per-tree key=value blocks. */
function sections(text: string, file: string): { header: Map<string, string>; trees: Map<string, string>[]; hasEnd: boolean } {
  const header = new Map<string, string>();
  const trees: Map<string, string>[] = [];
  let current = header;
  let hasEnd = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === 'end of trees') {
      hasEnd = true;
      break;
    }
    if (line.startsWith('Tree=')) {
      current = new Map([['Tree', line.slice(5)]]);
      trees.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) current.set(line.slice(0, eq), line.slice(eq + 1));
    else if (line.length > 0) current.set(line, '');
  }
  if (!header.has('version') && !header.has('max_feature_idx')) fail(file, 'not a LightGBM text model (no "version" or "max_feature_idx" header line)', 'Save the model with Booster.save_model("model.txt") (text format).');
  return { header, trees, hasEnd };
}

function numbers(block: Map<string, string>, key: string, count: number, file: string, t: number): number[] {
  const raw = block.get(key);
  if (raw === undefined) fail(file, `tree ${t}: "${key}" is missing`);
  const values = raw.trim().length === 0 ? [] : raw.trim().split(/\s+/).map(Number);
  if (values.length !== count || values.some((v) => Number.isNaN(v))) fail(file, `tree ${t}: "${key}" has ${values.length} values, expected ${count}`);
  return values;
}

interface Objective {
  readonly name: string;
  readonly link: TreeLink;
  readonly task: Task;
  readonly groups: number;
}

function parseObjective(line: string | undefined, file: string): Objective {
  const parts = (line ?? 'regression').trim().split(/\s+/);
  const name = parts[0] ?? 'regression';
  const params = new Map(parts.slice(1).map((p) => p.split(':') as [string, string]));
  if (name === 'binary' || name === 'cross_entropy' || name === 'xentropy') {
    const sigmoid = Number(params.get('sigmoid') ?? 1);
    if (sigmoid !== 1) {
      throw new GlassboxError('unsupported_model', `${file}: binary objective with sigmoid:${sigmoid} is not supported (only sigmoid:1)`, { file, hint: 'Re-train with the default sigmoid=1, or explain the model through an ONNX export with a model-agnostic method.' });
    }
    return { name, link: 'logistic', task: name === 'binary' ? 'binary' : 'regression', groups: 1 };
  }
  if (name === 'multiclass' || name === 'softmax') {
    const k = Number(params.get('num_class'));
    if (!(k >= 2)) fail(file, `multiclass objective without a valid num_class ("${line ?? ''}")`);
    return { name, link: 'softmax', task: 'multiclass', groups: k };
  }
  if (IDENTITY_OBJECTIVES.has(name)) return { name, link: 'identity', task: 'regression', groups: 1 };
  throw new GlassboxError('unsupported_model', `${file}: unknown or unsupported LightGBM objective "${name}"`, {
    file,
    hint: `Supported: binary, cross_entropy, multiclass, and identity-link regression objectives (${[...IDENTITY_OBJECTIVES].join(', ')}).`,
  });
}

/**
 * Parses a LightGBM text model (Booster.save_model / model_to_string) into the tree IR. Numerical
 * splits go left iff x ≤ threshold, with LightGBM's missing-value handling from decision_type
 * (bit 1 default_left, bits 2–3 missing type None/Zero/NaN); categorical splits (bit 0) go left iff
 * the category's bit is set in cat_threshold[cat_boundaries[i] .. cat_boundaries[i+1]); negative
 * categories go right, NaN goes right (version=v4 files) or is read as category 0 unless the missing
 * type is NaN (v2/v3 files, as LightGBM 3.x predicts). Covers are leaf_count / internal_count (what LightGBM's own
 * pred_contrib weights by).
 */
export function parseLightgbmText(text: string, file = 'model.txt'): TreeEnsemble {
  const { header, trees, hasEnd } = sections(text, file);
  const nFeatures = Number(header.get('max_feature_idx')) + 1;
  if (!Number.isInteger(nFeatures) || nFeatures <= 0) fail(file, `max_feature_idx "${header.get('max_feature_idx') ?? ''}" is invalid`);
  if (!hasEnd) fail(file, 'the "end of trees" line is missing: the file is truncated');
  const objective = parseObjective(header.get('objective'), file);
  const perIteration = Number(header.get('num_tree_per_iteration') ?? objective.groups);
  if (perIteration !== objective.groups) fail(file, `num_tree_per_iteration (${perIteration}) does not match the objective's ${objective.groups} classes`);
  if (trees.length === 0 || trees.length % perIteration !== 0) fail(file, `found ${trees.length} trees, not a multiple of num_tree_per_iteration (${perIteration})`);
  const sizes = header.get('tree_sizes');
  if (sizes !== undefined && sizes.trim().split(/\s+/).length !== trees.length) fail(file, `tree_sizes lists ${sizes.trim().split(/\s+/).length} trees but ${trees.length} were found: the file is truncated`);
  const scale = header.has('average_output') ? perIteration / trees.length : 1;
  const builder = new TreeEnsembleBuilder();
  // LightGBM ≥ 4 (version=v4) sends NaN right at categorical splits; v2/v3 read NaN as category 0
  // unless the node's missing type is NaN.
  const nanIsCategoryZero = !/^v[4-9]/.test(header.get('version') ?? 'v4');
  trees.forEach((block, t) => addTree(builder, block, t, t % perIteration, scale, file, nanIsCategoryZero));
  const names = header.get('feature_names')?.trim().split(/\s+/);
  const ensemble = builder.finish({
    format: 'lightgbm',
    nFeatures,
    featureNames: names && names.length === nFeatures ? names : Array.from({ length: nFeatures }, (_, j) => `Column_${j}`),
    nGroups: objective.groups,
    objective: objective.name,
    link: objective.link,
    task: objective.task,
    classes: objective.task === 'binary' ? ['0', '1'] : objective.task === 'multiclass' ? Array.from({ length: objective.groups }, (_, k) => String(k)) : [],
    baseMargin: new Float64Array(objective.groups),
    inputPrecision: 'float64',
    accumulate: 'float64',
  });
  validateEnsemble(ensemble, file);
  const categories = pandasCategories(text, header, nFeatures);
  return categories ? Object.freeze({ ...ensemble, featureCategories: categories }) : ensemble;
}

/**
 * The category names of pandas categorical columns, which LightGBM's Python package saves as the last
 * line `pandas_categorical:[[…], …]`, one list per categorical feature in feature order (codes index
 * the list). The categorical features are those `[categorical_feature: …]` lists, else those whose
 * `feature_infos` entry is a list of category values rather than a `[min:max]` range. Returns
 * undefined when the file holds no lists or they cannot be matched to features.
 */
function pandasCategories(text: string, header: Map<string, string>, nFeatures: number): (readonly string[] | null)[] | undefined {
  const line = /^pandas_categorical:(.*)$/m.exec(text)?.[1]?.trim();
  if (!line || line === 'null') return undefined;
  let lists: unknown;
  try {
    lists = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(lists) || lists.length === 0 || !lists.every(Array.isArray)) return undefined;
  const declared = /^\[categorical_feature:\s*([\d,\s]*)\]$/m.exec(text)?.[1]?.split(',').map((v) => v.trim()).filter(Boolean).map(Number);
  const infos = header.get('feature_infos')?.trim().split(/\s+/) ?? [];
  const indices = declared && declared.length > 0 ? declared : infos.flatMap((info, j) => (!info.startsWith('[') && info !== 'none' ? [j] : []));
  if (indices.length !== lists.length || indices.some((j) => !(j >= 0 && j < nFeatures))) return undefined;
  const out: (readonly string[] | null)[] = Array.from({ length: nFeatures }, () => null);
  indices.forEach((j, k) => {
    out[j] = Object.freeze((lists as unknown[][])[k]!.map(String));
  });
  return out;
}

function addTree(b: TreeEnsembleBuilder, block: Map<string, string>, t: number, group: number, scale: number, file: string, nanIsCategoryZero: boolean): void {
  if (block.get('is_linear') === '1') {
    throw new GlassboxError('unsupported_model', `${file}: tree ${t} is a linear tree (linear_tree=true); glassbox supports constant-leaf trees only`, { file, hint: 'Re-train with linear_tree=false, or explain the model with a model-agnostic method (kernel SHAP).' });
  }
  const leaves = Number(block.get('num_leaves'));
  if (!Number.isInteger(leaves) || leaves < 1) fail(file, `tree ${t}: num_leaves "${block.get('num_leaves') ?? ''}" is invalid`);
  const leafValue = numbers(block, 'leaf_value', leaves, file, t);
  const leafCount = block.has('leaf_count') ? numbers(block, 'leaf_count', leaves, file, t) : null;
  b.beginTree(group);
  const internal = leaves - 1;
  const base = b.allocate(internal + leaves);
  const leafNode = (k: number): number => base + internal + k;
  for (let k = 0; k < leaves; k++) {
    b.setLeaf(leafNode(k), leafValue[k]! * scale);
    if (leafCount) b.setCover(leafNode(k), leafCount[k]!);
  }
  if (internal === 0) return;
  const feature = numbers(block, 'split_feature', internal, file, t);
  const threshold = numbers(block, 'threshold', internal, file, t);
  const decision = numbers(block, 'decision_type', internal, file, t);
  const left = numbers(block, 'left_child', internal, file, t);
  const right = numbers(block, 'right_child', internal, file, t);
  const gain = block.has('split_gain') ? numbers(block, 'split_gain', internal, file, t) : null;
  const count = block.has('internal_count') ? numbers(block, 'internal_count', internal, file, t) : null;
  const numCat = Number(block.get('num_cat') ?? 0);
  const boundaries = numCat > 0 ? numbers(block, 'cat_boundaries', numCat + 1, file, t) : [];
  const catWords = numCat > 0 ? numbers(block, 'cat_threshold', boundaries[numCat]!, file, t) : [];
  const child = (c: number): number => {
    const target = c < 0 ? leafNode(-c - 1) : base + c;
    if (c >= internal || -c - 1 >= leaves) fail(file, `tree ${t}: child index ${c} is out of range`);
    return target;
  };
  for (let i = 0; i < internal; i++) {
    const node = base + i;
    const dt = decision[i]!;
    const missing = (dt >> 2) & 3;
    if (count) b.setCover(node, count[i]!);
    if ((dt & 1) === 1) {
      const c = threshold[i]!;
      if (!(c >= 0 && c < numCat)) fail(file, `tree ${t} node ${i}: categorical threshold ${c} outside 0..${numCat - 1}`);
      const words = catWords.slice(boundaries[c]!, boundaries[c + 1]!);
      const nanLeft = nanIsCategoryZero && missing !== 2 && ((words[0] ?? 0) & 1) === 1;
      b.setSplit(node, { feature: feature[i]!, threshold: 0, op: SPLIT_OP.IN_SET, left: child(left[i]!), right: child(right[i]!), defaultLeft: nanLeft, ...(gain ? { gain: gain[i]! } : {}) });
      b.setCategories(node, words);
      continue;
    }
    const thr = threshold[i]!;
    // None: NaN is treated as 0 and compared; Zero: NaN and 0 take the default; NaN: NaN takes the default.
    const defaultLeft = missing === 0 ? 0 <= thr : (dt & 2) === 2;
    b.setSplit(node, { feature: feature[i]!, threshold: thr, op: SPLIT_OP.LE, left: child(left[i]!), right: child(right[i]!), defaultLeft, zeroMissing: missing === 1, ...(gain ? { gain: gain[i]! } : {}) });
  }
}
