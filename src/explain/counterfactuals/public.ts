export { nearestCounterfactual, nearestOptionsSchema, type NearestInputs, type NearestOptions } from './nearest.js';
export { diceCounterfactuals, diceOptionsSchema, type DiceInputs, type DiceOptions } from './dice-genetic.js';
export { measureFeatureSpace, rowDistance, type DistanceMetric, type FeatureSpace, type Normalisation } from './feature-space.js';
export { counterfactualResultToJson, type Counterfactual, type CounterfactualResult } from './types.js';
