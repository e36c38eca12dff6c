import { statSync } from 'node:fs';

/** What a command is given: tabular rows, images (a folder, a .npy tensor, the digits demo) or raw text (the spam demo). */
export type InputKind = 'tabular' | 'image' | 'text';

/** The built-in demos by kind, so a command can route without loading one. */
const DEMO_KINDS: Readonly<Record<string, InputKind>> = { credit: 'tabular', digits: 'image', spam: 'text' };

/** True when --data names image input (a folder of images or a .npy tensor) rather than tabular rows. */
export function isImageData(path: string | undefined): boolean {
  return path !== undefined && (path.endsWith('.npy') || statSync(path, { throwIfNoEntry: false })?.isDirectory() === true);
}

/** The kind of input, judged from the flags alone (a stat of --data at most), so wrong combinations fail before loading anything. */
export function inputKind(flags: { demo?: string; data?: string; textEncoder?: string }): InputKind {
  if (flags.demo) return DEMO_KINDS[flags.demo] ?? 'tabular';
  if (flags.textEncoder) return 'text';
  return isImageData(flags.data) ? 'image' : 'tabular';
}

/** How a message names the input: "--demo spam holds raw text". */
export function describeInput(kind: InputKind, flags: { demo?: string; data?: string }): string {
  const source = flags.demo ? `--demo ${flags.demo}` : `--data ${flags.data ?? ''}`;
  return `${source} holds ${kind === 'tabular' ? 'tabular rows' : kind === 'image' ? 'images' : 'raw text'}`;
}
