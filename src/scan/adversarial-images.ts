import { heatmapOverlayPng } from '../explain/gradients/heatmap.js';
import { imageLayout, permuteValues } from '../model/image-layout.js';
import type { Tensor } from '../model/tensor.js';
import type { ReportBlock } from '../results/blocks.js';

/** [C, H, W] of an image batch's rows (channels-last batches are read as such), or undefined for non-images. */
export function imageShapeOf(shape: readonly number[]): { chw: [number, number, number]; layout: 'nchw' | 'nhwc' } | undefined {
  if (shape.length === 3) return { chw: [1, shape[1]!, shape[2]!], layout: 'nchw' };
  if (shape.length !== 4) return undefined;
  const layout = imageLayout(shape);
  const [, a, b, c] = shape as [number, number, number, number];
  const chw: [number, number, number] = layout === 'nhwc' ? [c, a, b] : [a, b, c];
  return chw[0] === 1 || chw[0] === 3 ? { chw, layout } : undefined;
}

function rowCHW(data: Float32Array, index: number, shape: readonly number[], layout: 'nchw' | 'nhwc'): Float32Array {
  const size = data.length / shape[0]!;
  const row = data.slice(index * size, (index + 1) * size);
  if (layout === 'nchw' || shape.length !== 4) return row;
  return permuteValues(row, [1, ...shape.slice(1)], 'nhwc').data;
}

/**
 * Original, adversarial and difference images side by side, one grid row per example: the difference is
 * adv − x drawn over the adversarial image (red raised, blue lowered, scaled to the row's largest change).
 */
export async function adversarialImageGrid(x: Tensor, adversarial: Float32Array, examples: readonly { index: number; title: string }[], caption: string): Promise<ReportBlock | undefined> {
  const image = imageShapeOf(x.shape);
  if (!image || examples.length === 0) return undefined;
  const { chw, layout } = image;
  const plane = chw[0] * chw[1] * chw[2];
  const rows = [];
  for (const e of examples) {
    const original = rowCHW(x.data, e.index, x.shape, layout);
    const adv = rowCHW(adversarial, e.index, x.shape, layout);
    const [lo, hi] = range(original, adv);
    const show = (v: Float32Array): Float64Array => Float64Array.from(v, (t) => (hi > lo ? Math.min(1, Math.max(0, (t - lo) / (hi - lo))) : 0));
    const diff = new Float64Array(plane);
    for (let k = 0; k < plane; k++) diff[k] = adv[k]! - original[k]!;
    rows.push({
      title: e.title,
      images: [await heatmapOverlayPng(show(original), new Float64Array(plane), chw), await heatmapOverlayPng(show(adv), new Float64Array(plane), chw), await heatmapOverlayPng(show(adv), diff, chw, { mode: 'signed' })],
    });
  }
  return { kind: 'image-grid', caption, columns: ['original', 'adversarial', 'difference (adv − x)'], rows };
}

function range(a: Float32Array, b: Float32Array): [number, number] {
  let lo = 0;
  let hi = 1;
  for (const v of [...a, ...b]) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
}

/** Up to k of the given row indices, one per true class in turn (class order, then row order), so a grid shows many classes. */
export function spreadAcrossClasses(indices: readonly number[], labels: Int32Array, k: number): number[] {
  const byClass = new Map<number, number[]>();
  for (const i of indices) byClass.set(labels[i]!, [...(byClass.get(labels[i]!) ?? []), i]);
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => rows);
  const out: number[] = [];
  for (let round = 0; out.length < k && queues.some((q) => q.length > round); round++) {
    for (const q of queues) if (q.length > round && out.length < k) out.push(q[round]!);
  }
  return out;
}
