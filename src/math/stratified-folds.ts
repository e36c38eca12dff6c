import { Rng } from '../rng.js';

/**
 * Stratified k-fold assignment (as scikit-learn's StratifiedKFold with shuffle): each class's rows are
 * shuffled with the seeded generator and dealt round-robin to the folds, continuing where the previous
 * class stopped, so every fold holds about n/k rows and each class's share. Returns the fold of each row.
 * Shared by the representation probes and the cross-fitting of label-issue detection.
 */
export function stratifiedFolds(labels: Int32Array, classes: number, folds: number, seed: number): Int32Array {
  const rng = new Rng(seed);
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]!]!.push(i);
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (const rows of byClass) {
    rng.shuffle(rows);
    for (const row of rows) {
      fold[row] = next;
      next = (next + 1) % folds;
    }
  }
  return fold;
}
