import { Rng } from '../../rng.js';
import type { Task } from '../../model/model.js';
import { decide } from './prediction-change.js';
import type { OutputSummary } from './types.js';

/** The model facts a test needs to read outputs. */
export interface OutputShape {
  readonly task: Task;
  readonly classes: readonly string[];
  readonly outputWidth: number;
}

/** The decision of output row `row` and the score of column `watch` (default: the decided class). */
export function summarizeOutput(outputs: Float32Array, row: number, shape: OutputShape, watch?: number): OutputSummary {
  const w = shape.outputWidth;
  if (shape.task === 'regression') return { predicted: round(outputs[row * w]!), score: round(outputs[row * w]!), scoreOf: 'value' };
  const cls = decide(outputs, row, w, shape.task);
  const watched = watch ?? cls;
  return { predicted: shape.classes[cls] ?? String(cls), score: round(outputs[row * w + watched]!), scoreOf: `P(${shape.classes[watched] ?? watched})` };
}

/** Numbers in examples keep 6 significant digits, so JSON stays readable and byte-stable. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

/**
 * Each test draws from its own stream, seeded by the run's seed and the test's name (FNV-1a), so a
 * test's result does not depend on which other tests run or in which order.
 */
export function testRng(seed: number, name: string): Rng {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return new Rng((h ^ Math.trunc(seed)) >>> 0);
}
