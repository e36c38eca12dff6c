export { stratifiedFolds } from '../../math/stratified-folds.js';
