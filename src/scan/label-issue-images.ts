import type { LabelIssueReport } from '../labels/report.js';
import type { Tensor } from '../model/tensor.js';
import { imagePngBase64 } from '../robust/corruptions/preview.js';
import type { ReportBlock } from '../results/blocks.js';

/** The most suspicious flagged images, one per grid row titled with its row id, given and suggested label. */
export async function labelIssueImageGrid(report: LabelIssueReport, x: Tensor, rowIds: Int32Array, max: number): Promise<ReportBlock | undefined> {
  if (x.shape.length < 3 || report.flagged === 0) return undefined;
  const index = new Map<number, number>();
  rowIds.forEach((row, i) => index.set(row, i));
  const shown = report.rowIds.slice(0, max);
  const rows = await Promise.all(
    shown.map(async (row, t) => ({
      title: `row ${row} · labelled ${report.givenLabels[t]} → suggested ${report.suggestedLabels[t]} · p̂(given) ${report.givenProbabilities[t]!.toFixed(3)}`,
      images: [await imagePngBase64(x, index.get(row)!)],
    })),
  );
  return { kind: 'image-grid', caption: `The ${shown.length} most suspicious images (0-based rows of the input), with their given and suggested labels`, columns: ['image'], rows };
}
