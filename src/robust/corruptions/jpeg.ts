import type { ImagePlanes } from './types.js';

/**
 * jpeg_compression through sharp (libjpeg-turbo, standard quantisation tables scaled by quality, 4:2:0
 * chroma subsampling — PIL's defaults, which the reference uses). Values are rounded to 8 bits first.
 * Grey images are written as one-channel JPEGs (as MNIST-C does); RGB images as YCbCr; a fourth channel
 * (alpha) is kept as is; other channel counts are compressed channel by channel as grey.
 *
 * Speed: one sharp call per image costs about 1–4 ms of overhead, so images are tiled into mosaics of
 * up to 1024 and compressed together. Each tile starts on a 16-pixel boundary (a 4:2:0 MCU) and is
 * padded by repeating its edge pixels, which is how libjpeg pads a lone image's partial MCUs, so no
 * 8×8 block mixes two images: grey results equal one-image-at-a-time compression exactly. Colour tiles
 * also get a 16-pixel margin on the top and left, so chroma upsampling at decode reads only the image's
 * own (repeated) pixels; results agree with one-at-a-time compression to within a few 8-bit levels at
 * the tile edge.
 */
export async function jpegCompress(images: readonly ImagePlanes[], quality: number): Promise<Float32Array[]> {
  if (images.length === 0) return [];
  const { channels, height: h, width: w } = images[0]!;
  const outs = images.map((im) => new Float32Array(im.data.length));
  const size = h * w;
  const groups: { planes: number[]; colour: boolean }[] = [];
  if (channels === 3 || channels === 4) groups.push({ planes: [0, 1, 2], colour: true });
  else for (let c = 0; c < channels; c++) groups.push({ planes: [c], colour: false });
  for (const g of groups) {
    for (let start = 0; start < images.length; start += 1024) {
      const batch = images.slice(start, start + 1024);
      const decoded = await mosaicRoundTrip(batch, g.planes, g.colour, quality);
      batch.forEach((_, k) => {
        const out = outs[start + k]!;
        for (let p = 0; p < g.planes.length; p++) out.set(decoded[k]!.subarray(p * size, (p + 1) * size), g.planes[p]! * size);
      });
    }
  }
  if (channels === 4) images.forEach((im, k) => outs[k]!.set(im.data.subarray(3 * size, 4 * size), 3 * size));
  return outs;
}

async function mosaicRoundTrip(images: readonly ImagePlanes[], planes: readonly number[], colour: boolean, quality: number): Promise<Float32Array[]> {
  const { default: sharp } = await import('sharp');
  const { height: h, width: w } = images[0]!;
  const bands = planes.length;
  const margin = colour ? 16 : 0;
  const tileH = margin + Math.ceil(h / 16) * 16 + margin;
  const tileW = margin + Math.ceil(w / 16) * 16 + margin;
  const columns = Math.max(1, Math.min(images.length, Math.floor(4096 / tileW)));
  const rows = Math.ceil(images.length / columns);
  const W = columns * tileW;
  const H = rows * tileH;
  const raw = Buffer.alloc(W * H * bands);
  const size = h * w;
  images.forEach((im, k) => {
    const oy = Math.floor(k / columns) * tileH;
    const ox = (k % columns) * tileW;
    for (let ty = 0; ty < tileH; ty++) {
      const sy = Math.min(h - 1, Math.max(0, ty - margin));
      for (let tx = 0; tx < tileW; tx++) {
        const sx = Math.min(w - 1, Math.max(0, tx - margin));
        const o = ((oy + ty) * W + ox + tx) * bands;
        for (let b = 0; b < bands; b++) raw[o + b] = Math.round(Math.min(1, Math.max(0, im.data[planes[b]! * size + sy * w + sx]!)) * 255);
      }
    }
  });
  let encoder = sharp(raw, { raw: { width: W, height: H, channels: bands as 1 | 3 } });
  if (!colour) encoder = encoder.toColourspace('b-w');
  const jpeg = await encoder.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const got = info.channels;
  return images.map((_, k) => {
    const oy = Math.floor(k / columns) * tileH + margin;
    const ox = (k % columns) * tileW + margin;
    const out = new Float32Array(bands * size);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = ((oy + y) * W + ox + x) * got;
        for (let b = 0; b < bands; b++) out[b * size + y * w + x] = data[o + Math.min(b, got - 1)]! / 255;
      }
    }
    return out;
  });
}
