import type { Rng } from '../../../rng.js';
import { caseVariants } from './case.js';
import { contractionVariants } from './contractions.js';
import { FIRST_NAMES, PLACES, SYNONYM_SETS } from './lexicon.js';
import { punctuationVariants } from './punctuation.js';
import { typoVariants } from './typo.js';
import { swapVariants, type SwapGroups } from './word-swap.js';

/** The text perturbations an INV test can declare. */
export const TEXT_PERTURBATIONS = ['typo', 'case', 'punctuation', 'contractions', 'synonyms', 'names', 'locations'] as const;
export type TextPerturbation = (typeof TEXT_PERTURBATIONS)[number];

export interface TextPerturbationOptions {
  readonly samples: number;
  readonly typos: number;
}

/** What each perturbation does, for reports. */
export const TEXT_PERTURBATION_DESCRIPTIONS: Readonly<Record<TextPerturbation, string>> = {
  typo: 'swap two adjacent letters inside a word',
  case: 'the whole text in lower case, and in upper case',
  punctuation: 'trailing punctuation removed, or a final full stop added',
  contractions: "contractions expanded or contracted (don't ↔ do not; built-in English list)",
  synonyms: 'one word replaced by a synonym from a small built-in English list',
  names: 'a first name replaced by another of the same list (small built-in English list)',
  locations: 'a city or country replaced by another city or country (small built-in list)',
};

const SYNONYMS: SwapGroups = { groups: SYNONYM_SETS, ignoreCase: true };
const NAMES: SwapGroups = { groups: [FIRST_NAMES.female, FIRST_NAMES.male], ignoreCase: false };
const LOCATIONS: SwapGroups = { groups: [PLACES.city, PLACES.country], ignoreCase: false };

/** The variants of one document under a perturbation ([] when it does not apply). */
export function textVariants(kind: TextPerturbation, text: string, rng: Rng, options: TextPerturbationOptions): string[] {
  switch (kind) {
    case 'typo':
      return typoVariants(text, rng, options);
    case 'case':
      return caseVariants(text);
    case 'punctuation':
      return punctuationVariants(text);
    case 'contractions':
      return contractionVariants(text);
    case 'synonyms':
      return swapVariants(text, SYNONYMS, rng, options.samples);
    case 'names':
      return swapVariants(text, NAMES, rng, options.samples);
    case 'locations':
      return swapVariants(text, LOCATIONS, rng, options.samples);
  }
}
