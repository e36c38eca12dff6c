import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { GlassboxError, throwIfAborted } from '../errors.js';
import { sortedUnique } from './code-point.js';

export interface ImageFolderOptions {
  /** Resize every image to this size (sharp, fit 'fill'); without it all images must share one size. */
  readonly resize?: { readonly width: number; readonly height: number } | undefined;
  /** 1 (grayscale) or 3 (RGB). Default: 1 when the first image is grayscale, else 3. Alpha is dropped. */
  readonly channels?: 1 | 3 | undefined;
  /** File extensions taken as images (lower case, with the dot). Default .png, .jpg, .jpeg. */
  readonly extensions?: readonly string[] | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

export interface ImageDataset {
  /** n × C × H × W, values in [0, 1] (byte / 255). */
  readonly pixels: Float32Array;
  readonly shape: readonly [number, number, number, number];
  /** Class index per image (index into `classes`). */
  readonly labels: Int32Array;
  /** Class folder names, sorted by code point. */
  readonly classes: readonly string[];
  /** Image paths, in the order of `pixels`. */
  readonly paths: readonly string[];
}

const DEFAULT_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

function listClasses(root: string): string[] {
  let entries: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(root);
  } catch (error) {
    throw new GlassboxError('invalid_input', `Image folder not found: ${root}.`, { file: root, hint: 'Pass a folder with one subfolder per class (e.g. data/cat/*.png, data/dog/*.png).' }, { cause: error });
  }
  const classes = sortedUnique(entries.filter((e) => !e.startsWith('.') && statSync(join(root, e)).isDirectory()));
  if (classes.length === 0) {
    throw new GlassboxError('invalid_input', `Image folder ${root} has no class subfolders.`, { file: root, count: 0, hint: 'Put the images of each class in their own subfolder: root/<class>/<image>.png.' });
  }
  return classes;
}

function listImages(root: string, classes: readonly string[], extensions: readonly string[]): { paths: string[]; labels: number[] } {
  const paths: string[] = [];
  const labels: number[] = [];
  const empty: string[] = [];
  classes.forEach((cls, k) => {
    const files = sortedUnique(readdirSync(join(root, cls)).filter((f) => extensions.includes(extname(f).toLowerCase())));
    if (files.length === 0) empty.push(cls);
    for (const f of files) {
      paths.push(join(root, cls, f));
      labels.push(k);
    }
  });
  if (empty.length > 0) {
    throw new GlassboxError('invalid_input', `Empty class folder${empty.length > 1 ? 's' : ''} in ${root}: ${empty.map((e) => JSON.stringify(e)).join(', ')} (no ${extensions.join('/')} files).`, {
      file: join(root, empty[0]!), count: empty.length, hint: 'Remove the empty class folders or add images to them.',
    });
  }
  return { paths, labels };
}

interface Meta { readonly width: number; readonly height: number; readonly channels: number }

async function readMeta(path: string): Promise<Meta> {
  try {
    const m = await sharp(path).metadata();
    if (!m.width || !m.height) throw new Error('no dimensions');
    return { width: m.width, height: m.height, channels: m.channels ?? 3 };
  } catch (error) {
    throw new GlassboxError('invalid_input', `Cannot decode image ${path}: ${(error as Error).message}.`, { file: path, hint: 'Re-export the file as PNG or JPEG, or remove it.' }, { cause: error });
  }
}

/** Every image's size is read first (headers only) so size problems surface before any decoding. */
async function checkSizes(paths: readonly string[], options: ImageFolderOptions): Promise<Meta> {
  const metas: Meta[] = [];
  for (const p of paths) {
    throwIfAborted(options.signal);
    metas.push(await readMeta(p));
  }
  const first = metas[0]!;
  if (options.resize) return { ...options.resize, channels: first.channels };
  const odd = metas.map((m, i) => ({ m, i })).filter(({ m }) => m.width !== first.width || m.height !== first.height);
  if (odd.length > 0) {
    const example = odd[0]!;
    throw new GlassboxError('invalid_input', `Images have mixed sizes: ${paths[0]} is ${first.width}×${first.height} but ${odd.length} of ${paths.length} images differ, e.g. ${paths[example.i]} is ${example.m.width}×${example.m.height}.`, {
      file: paths[example.i], count: odd.length, hint: 'Pass resize: { width, height } (CLI: --resize WxH) or resize the images beforehand.',
    });
  }
  return first;
}

async function decode(path: string, meta: Meta, channels: 1 | 3, resize: boolean): Promise<Buffer> {
  let pipeline = sharp(path).removeAlpha();
  if (resize) pipeline = pipeline.resize(meta.width, meta.height, { fit: 'fill' });
  pipeline = channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb');
  try {
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== meta.width || info.height !== meta.height) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${meta.width}×${meta.height}×${channels}`);
    }
    return data;
  } catch (error) {
    throw new GlassboxError('invalid_input', `Cannot decode image ${path}: ${(error as Error).message}.`, { file: path, hint: 'Re-export the file as PNG or JPEG, or remove it.' }, { cause: error });
  }
}

/**
 * Loads an image folder with one subfolder per class (PNG/JPEG decoded with sharp) into an n × C × H × W float32
 * tensor in [0, 1], with labels, class names (sorted by code point) and paths. Checks every file's header before
 * decoding: mixed sizes (without `resize`), empty class folders and undecodable files are errors naming the file.
 */
export async function loadImageFolder(root: string, options: ImageFolderOptions = {}): Promise<ImageDataset> {
  const classes = listClasses(root);
  const { paths, labels } = listImages(root, classes, options.extensions ?? DEFAULT_EXTENSIONS);
  const meta = await checkSizes(paths, options);
  const channels = options.channels ?? (meta.channels <= 2 ? 1 : 3);
  const size = channels * meta.height * meta.width;
  const plane = meta.height * meta.width;
  const pixels = new Float32Array(paths.length * size);
  for (let n = 0; n < paths.length; n++) {
    throwIfAborted(options.signal);
    const data = await decode(paths[n]!, meta, channels, options.resize !== undefined);
    const base = n * size;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < channels; c++) pixels[base + c * plane + p] = data[p * channels + c]! / 255;
    }
    options.onProgress?.(n + 1, paths.length);
  }
  return { pixels, shape: [paths.length, channels, meta.height, meta.width], labels: Int32Array.from(labels), classes, paths };
}
