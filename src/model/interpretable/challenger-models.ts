import type { Model } from '../model.js';
import type { LearnerFeature } from './binning.js';
import { learnerModel } from './learner-model.js';
import { shallowTreePredict, type ShallowTree } from './shallow-tree.js';
import { sparseLinearScores, type SparseLinear } from './sparse-linear.js';

/** A fitted sparse linear model as a glassbox Model over raw columns. */
export function sparseLinearModel(fitted: SparseLinear, features: readonly LearnerFeature[], classes?: readonly string[]): Model & { readonly linear: SparseLinear } {
  const model = learnerModel({ task: fitted.task, ...(classes ? { classes } : {}), features, score: (raw) => sparseLinearScores(fitted, raw), name: 'glassbox sparse linear model' });
  return Object.freeze({ ...model, predict: model.predict, linear: fitted });
}

/** A fitted shallow tree as a glassbox Model over raw columns (leaf probabilities turned into scores and back). */
export function shallowTreeModel(tree: ShallowTree, classes?: readonly string[]): Model & { readonly tree: ShallowTree } {
  const score = (raw: Parameters<typeof shallowTreePredict>[1]): Float64Array => {
    const p = shallowTreePredict(tree, raw);
    return tree.task === 'binary' ? p.map((v) => Math.log(v / (1 - v))) : p;
  };
  const model = learnerModel({ task: tree.task, ...(classes ? { classes } : {}), features: tree.features, score, name: 'glassbox shallow tree' });
  return Object.freeze({ ...model, predict: model.predict, tree });
}
