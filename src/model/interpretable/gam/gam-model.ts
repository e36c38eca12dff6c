import type { Model } from '../../model.js';
import { learnerModel } from '../learner-model.js';
import { gamFeatures } from './gam-json.js';
import { gamScores } from './predict-gam.js';
import type { Gam } from './types.js';

/** A fitted GAM as a glassbox Model over raw columns (binary: [P(negative), P(positive)]). */
export function gamModel(gam: Gam, classes?: readonly string[]): Model & { readonly gam: Gam } {
  const model = learnerModel({ task: gam.task, ...(classes ? { classes } : {}), features: gamFeatures(gam), score: (raw) => gamScores(gam, raw), name: 'glassbox GAM' });
  return Object.freeze({ ...model, predict: model.predict, gam });
}
