import { robustTrainingMethod } from '../robust-training-method.js';

/** `--method trades`: TRADES (Zhang et al. 2019) as fine-tuning. */
export const tradesMethod = robustTrainingMethod('trades');
