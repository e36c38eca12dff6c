import type { Tensor } from '../../model/tensor.js';
import { imageGeometry, toPlanes, type ImageGeometry } from './corrupt.js';

/**
 * PNG previews of images for reports and --save: RGB for 3+ channels (first three), grey otherwise,
 * enlarged by nearest neighbour so small images stay legible.
 */

function scaleFor(g: Pick<ImageGeometry, 'height' | 'width'>): number {
  return Math.max(1, Math.ceil(84 / Math.max(g.height, g.width)));
}

/** One image of a batch as a base64 PNG. */
export async function imagePngBase64(x: Tensor, row: number, layout?: ImageGeometry['layout']): Promise<string> {
  const g = imageGeometry(x, layout);
  return (await gridPng([[{ x, row }]], g)).toString('base64');
}

/**
 * A grid PNG: cells[r][c] is image `row` of tensor `x`; 2-px white gaps between cells. Used for
 * "examples down, clean then severities across" sheets.
 */
export async function gridPng(cells: readonly (readonly { readonly x: Tensor; readonly row: number }[])[], g: ImageGeometry): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  const s = scaleFor(g);
  const cw = g.width * s;
  const ch = g.height * s;
  const gap = cells.length * (cells[0]?.length ?? 0) > 1 ? 2 : 0;
  const nRows = cells.length;
  const nCols = Math.max(...cells.map((r) => r.length));
  const W = nCols * cw + (nCols - 1) * gap;
  const H = nRows * ch + (nRows - 1) * gap;
  const out = Buffer.alloc(W * H * 3, 255);
  const size = g.height * g.width;
  cells.forEach((row, r) =>
    row.forEach(({ x, row: index }, c) => {
      const planes = toPlanes(x.data, index, g);
      for (let y = 0; y < ch; y++) {
        for (let xx = 0; xx < cw; xx++) {
          const p = Math.floor(y / s) * g.width + Math.floor(xx / s);
          const o = ((r * (ch + gap) + y) * W + c * (cw + gap) + xx) * 3;
          for (let k = 0; k < 3; k++) {
            const v = planes.data[(g.channels >= 3 ? k : 0) * size + p]!;
            out[o + k] = Math.round(Math.min(1, Math.max(0, v)) * 255);
          }
        }
      }
    }),
  );
  return sharp(out, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}
