import type { Tensor } from '../model/tensor.js';
import type { VogResult } from '../represent/vog/vog.js';
import { imagePngBase64 } from '../robust/corruptions/preview.js';
import type { ReportBlock } from '../results/blocks.js';

/**
 * The lecture slide's view of Variance of Gradients (used by `glassbox vog --format html` and the scan): for each class, the `perClass` lowest- and highest-VoG inputs side by side
 * (row titles give the class and the score ranges; each image's row id and prediction are in the caption).
 */
export async function vogGridBlock(result: VogResult, inputs: { readonly x: Tensor; readonly rowIds: ArrayLike<number>; readonly classes: readonly string[] }, perClass: number): Promise<ReportBlock> {
  const rows: { title: string; images: string[] }[] = [];
  for (const stats of result.classStats) {
    const members: number[] = [];
    result.labels.forEach((y, i) => {
      if (y === stats.label && Number.isFinite(result.scores[i]!)) members.push(i);
    });
    if (members.length === 0) continue;
    members.sort((a, b) => result.scores[a]! - result.scores[b]! || a - b);
    const m = Math.min(perClass, Math.floor(members.length / 2));
    const low = members.slice(0, m);
    const high = members.slice(members.length - m).reverse();
    const describe = (i: number): string => `${inputs.rowIds[i]}${result.predictions[i] !== result.labels[i] ? `→${inputs.classes[result.predictions[i]!] ?? result.predictions[i]}` : ''}`;
    const images = await Promise.all([...low, ...high].map((i) => imagePngBase64(inputs.x, i)));
    rows.push({ title: `class ${inputs.classes[stats.label] ?? stats.label}: rows ${low.map(describe).join(' ')} | ${high.map(describe).join(' ')}`, images });
  }
  const columns = [...Array.from({ length: perClass }, (_, k) => `lowest ${k + 1}`), ...Array.from({ length: perClass }, (_, k) => `highest ${k + 1}`)];
  return { kind: 'image-grid', caption: 'Per class: the lowest-VoG inputs (left) and the highest-VoG inputs (right, highest first). Row ids are 0-based rows of the input; "→k" marks a wrong prediction k.', columns, rows };
}
