import type { Rng } from '../../../rng.js';
import { matchCase, wordPattern } from './match-case.js';

/** Groups of interchangeable words; a word is replaced only by another member of its group. */
export interface SwapGroups {
  readonly groups: readonly (readonly string[])[];
  /** Case-insensitive matching, with the replacement written in the matched word's case (synonyms); otherwise exact (proper nouns). */
  readonly ignoreCase: boolean;
}

const COMPILED = new WeakMap<SwapGroups, { groupOf: Map<string, number>; pattern: RegExp }>();

/** The group of each word and one pattern for all of them, built once per set of groups. */
function compiled(swap: SwapGroups): { groupOf: Map<string, number>; pattern: RegExp } {
  let entry = COMPILED.get(swap);
  if (!entry) {
    const groupOf = new Map<string, number>();
    swap.groups.forEach((g, k) => g.forEach((w) => groupOf.set(swap.ignoreCase ? w.toLowerCase() : w, k)));
    entry = { groupOf, pattern: wordPattern([...swap.groups.flat()], swap.ignoreCase ? 'gi' : 'g') };
    COMPILED.set(swap, entry);
  }
  return entry;
}

/**
 * Variants of `text` with one word of a group replaced — every occurrence of it, so the text stays
 * consistent — by another member of the same group. Each variant picks the word and its replacement
 * at random (seeded); up to `samples` distinct variants, [] when no word of the groups occurs.
 * Whole words only: "Mark" in "Marked" is not a name.
 */
export function swapVariants(text: string, swap: SwapGroups, rng: Rng, samples: number): string[] {
  const key = (w: string): string => (swap.ignoreCase ? w.toLowerCase() : w);
  const { groupOf, pattern } = compiled(swap);
  const found = [...new Set(Array.from(text.matchAll(pattern), (m) => key(m[0])))].sort();
  if (found.length === 0) return [];
  const out = new Set<string>();
  for (let attempt = 0; attempt < samples * 3 && out.size < samples; attempt++) {
    const word = found[rng.int(found.length)]!;
    const others = swap.groups[groupOf.get(word)!]!.filter((w) => key(w) !== word);
    const replacement = others[rng.int(others.length)]!;
    const single = wordPattern([word], swap.ignoreCase ? 'gi' : 'g');
    out.add(text.replace(single, (m) => (swap.ignoreCase ? matchCase(m, replacement) : replacement)));
  }
  out.delete(text);
  return [...out];
}
