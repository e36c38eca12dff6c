import { robustTrainingMethod } from '../robust-training-method.js';

/** `--method adversarial-training`: PGD adversarial training (Madry et al. 2018) as fine-tuning. */
export const adversarialTrainingMethod = robustTrainingMethod('pgd');
