import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { GlassboxError } from '../errors.js';
import { loadImageFolder } from './image-folder.js';
import type { ImageFolderOptions } from './image-folder.js';
import { caughtGlassboxError, tempDir } from '../../test/fixtures/data/support.js';

const { dir, cleanup } = tempDir('glassbox-images-');
afterAll(cleanup);

/** A w×h image whose byte at (y, x, c) is (7·y + 3·x + 50·c + seed) mod 256. */
function pattern(width: number, height: number, channels: 1 | 3, seed: number): Buffer {
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (7 * y + 3 * x + 50 * c + seed) % 256;
  return data;
}

async function png(path: string, width: number, height: number, channels: 1 | 3, seed: number): Promise<void> {
  const image = sharp(pattern(width, height, channels, seed), { raw: { width, height, channels } });
  await (channels === 1 ? image.toColourspace('b-w') : image).png().toFile(path);
}

function folder(name: string, classes: Record<string, number>): string {
  const root = join(dir, name);
  for (const cls of Object.keys(classes)) mkdirSync(join(root, cls), { recursive: true });
  return root;
}

function failure(root: string, options?: ImageFolderOptions): Promise<GlassboxError> {
  return caughtGlassboxError(() => loadImageFolder(root, options));
}

describe('loadImageFolder', () => {
  it('RGB PNGs: n×C×H×W in [0, 1], exact bytes / 255, classes sorted, labels and paths aligned', async () => {
    const root = folder('rgb', { zebra: 1, cat: 1 });
    await png(join(root, 'zebra', 'b.png'), 4, 3, 3, 10);
    await png(join(root, 'zebra', 'a.png'), 4, 3, 3, 20);
    await png(join(root, 'cat', 'x.png'), 4, 3, 3, 30);
    writeFileSync(join(root, 'cat', 'notes.txt'), 'ignored');
    const ds = await loadImageFolder(root);
    expect(ds.classes).toEqual(['cat', 'zebra']);
    expect(ds.shape).toEqual([3, 3, 3, 4]);
    expect(Array.from(ds.labels)).toEqual([0, 1, 1]);
    expect(ds.paths.map((p) => p.slice(root.length + 1))).toEqual(['cat/x.png', 'zebra/a.png', 'zebra/b.png']);
    const at = (n: number, c: number, y: number, x: number): number => ds.pixels[((n * 3 + c) * 3 + y) * 4 + x]!;
    expect(at(0, 0, 0, 0)).toBeCloseTo(30 / 255, 7);
    expect(at(1, 2, 2, 3)).toBeCloseTo(((7 * 2 + 3 * 3 + 100 + 20) % 256) / 255, 7);
    expect(at(2, 1, 1, 0)).toBeCloseTo(((7 + 50 + 10) % 256) / 255, 7);
  });

  it('grayscale PNGs give one channel (an RGB JPEG beside them is converted); JPEGs decode close to their source', async () => {
    const root = folder('gray', { a: 1, b: 1 });
    await png(join(root, 'a', '1.png'), 5, 5, 1, 0);
    await sharp(pattern(5, 5, 1, 0), { raw: { width: 5, height: 5, channels: 1 } }).jpeg({ quality: 100 }).toFile(join(root, 'b', '1.jpg'));
    const ds = await loadImageFolder(root);
    expect(ds.shape).toEqual([2, 1, 5, 5]);
    expect(ds.pixels[24]).toBeCloseTo(((7 * 4 + 3 * 4) % 256) / 255, 7);
    expect(Math.abs(ds.pixels[25 + 24]! - ds.pixels[24]!)).toBeLessThan(0.05);
  });

  it('mixed sizes: error naming a file, both sizes and the count; resize fixes it', async () => {
    const root = folder('mixed', { a: 1, b: 1 });
    await png(join(root, 'a', '1.png'), 4, 4, 3, 0);
    await png(join(root, 'b', '1.png'), 6, 5, 3, 0);
    await png(join(root, 'b', '2.png'), 6, 5, 3, 0);
    const e = await failure(root);
    expect(e.message).toMatch(/mixed sizes: .*4×4 but 2 of 3 images differ, e\.g\. .*b\/1\.png is 6×5/);
    expect(e.details.count).toBe(2);
    const ds = await loadImageFolder(root, { resize: { width: 4, height: 4 } });
    expect(ds.shape).toEqual([3, 3, 4, 4]);
  });

  it('empty class folder, undecodable file, missing folder, no class folders', async () => {
    const empty = folder('empty', { a: 1, b: 1 });
    await png(join(empty, 'a', '1.png'), 2, 2, 3, 0);
    expect((await failure(empty)).message).toMatch(/Empty class folder in .*: "b"/);

    const broken = folder('broken', { a: 1 });
    await png(join(broken, 'a', '1.png'), 2, 2, 3, 0);
    writeFileSync(join(broken, 'a', '2.png'), 'this is not a png');
    const e = await failure(broken);
    expect(e.message).toMatch(/Cannot decode image .*a\/2\.png/);
    expect(e.details.file).toMatch(/2\.png$/);

    expect((await failure(join(dir, 'does-not-exist'))).message).toMatch(/Image folder not found/);
    const flat = folder('flat', {});
    mkdirSync(flat, { recursive: true });
    await png(join(flat, 'x.png'), 2, 2, 3, 0);
    expect((await failure(flat)).message).toMatch(/no class subfolders/);
  });
});
