/** `glassbox importance --method` and `--metric` choices (named in the help, read by run.ts). */
export const IMPORTANCE_METHODS = ['permutation', 'pdp', 'surrogate', 'linear', 'tree'] as const;
export const IMPORTANCE_METRICS = ['accuracy', 'roc_auc', 'neg_log_loss', 'r2', 'neg_mean_squared_error'] as const;
