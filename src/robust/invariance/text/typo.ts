import type { Rng } from '../../../rng.js';

const LETTER = /\p{L}/u;

/** Positions i where text[i] and text[i+1] are two different letters (a swap there changes the text). */
export function typoPositions(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < text.length; i++) {
    const a = text[i]!;
    const b = text[i + 1]!;
    if (a !== b && LETTER.test(a) && LETTER.test(b)) out.push(i);
  }
  return out;
}

/**
 * Typos as CheckList's `Perturb.add_typos` makes them (Ribeiro et al. 2020): `typos` swaps of two
 * adjacent characters. Unlike CheckList, a swap is drawn only where both characters are different
 * letters (inside a word), so every swap changes the text and punctuation or spaces never move;
 * swapped pairs do not overlap. Returns up to `samples` distinct variants ([] when the text has no
 * such position). Code units are swapped, so letters outside the Basic Multilingual Plane are skipped.
 */
export function typoVariants(text: string, rng: Rng, options: { typos?: number; samples?: number } = {}): string[] {
  const typos = options.typos ?? 1;
  const samples = options.samples ?? 1;
  const positions = typoPositions(text).filter((i) => !isSurrogate(text.charCodeAt(i)) && !isSurrogate(text.charCodeAt(i + 1)));
  if (positions.length === 0) return [];
  const out = new Set<string>();
  for (let attempt = 0; attempt < samples * 3 && out.size < samples; attempt++) {
    const chars = text.split('');
    const used = new Set<number>();
    for (let t = 0; t < typos; t++) {
      const free = positions.filter((i) => !used.has(i) && !used.has(i - 1) && !used.has(i + 1));
      if (free.length === 0) break;
      const i = free[rng.int(free.length)]!;
      used.add(i);
      [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
    }
    out.add(chars.join(''));
  }
  out.delete(text);
  return [...out];
}

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}
