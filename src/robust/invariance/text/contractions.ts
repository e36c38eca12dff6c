import { CONTRACTIONS } from './lexicon.js';
import { matchCase, wordPattern } from './match-case.js';

const EXPANSIONS = Object.fromEntries(Object.entries(CONTRACTIONS).map(([short, long]) => [long, short]));
const CONTRACTED = wordPattern(Object.keys(CONTRACTIONS), 'gi');
const EXPANDED = wordPattern(Object.keys(EXPANSIONS), 'gi');

/** Every contraction of the built-in list written out ("don't" → "do not"), keeping the first letter's case. */
export function expandContractions(text: string): string {
  return text.replace(CONTRACTED, (m) => matchCase(m, CONTRACTIONS[m.toLowerCase()]!));
}

/** Every expansion of the built-in list contracted ("do not" → "don't"), keeping the first letter's case. */
export function contract(text: string): string {
  return text.replace(EXPANDED, (m) => matchCase(m, EXPANSIONS[m.toLowerCase()]!));
}

/**
 * Contractions expanded and contracted, as CheckList's `Perturb.contractions` does (its own list is
 * longer; ours is in lexicon.ts). Variants equal to the text are left out, so a text with neither
 * form gets none.
 */
export function contractionVariants(text: string): string[] {
  const out = new Set([expandContractions(text), contract(text)]);
  out.delete(text);
  return [...out];
}
