import { describe, expect, it } from 'vitest';
import { Rng } from '../../../rng.js';
import { caseVariants } from './case.js';
import { contract, contractionVariants, expandContractions } from './contractions.js';
import { CONTRACTIONS, FIRST_NAMES, PLACES, SYNONYM_SETS } from './lexicon.js';
import { punctuationVariants } from './punctuation.js';
import { TEXT_PERTURBATIONS, textVariants } from './perturbations.js';
import { typoPositions, typoVariants } from './typo.js';

const DOCS = [
  "Hi Mary, I don't think the price is good. Call me from London tomorrow!",
  'URGENT: buy cheap meds now!!! Visit our site and get a huge discount.',
  "We're meeting John in Paris next week; it is not a big problem.",
  'ok',
  '',
];

/** Words (letter/number runs), the tokens a bag-of-words model reads. */
const words = (s: string): string[] => s.match(/[\p{L}\p{N}']+/gu) ?? [];

describe('typo', () => {
  it('swaps exactly one pair of adjacent, different letters and changes nothing else', () => {
    const rng = new Rng(1);
    for (const doc of DOCS) {
      for (const v of typoVariants(doc, rng, { samples: 5 })) {
        expect(v.length).toBe(doc.length);
        const diff = [...doc].flatMap((c, i) => (c === v[i] ? [] : [i]));
        expect(diff).toHaveLength(2);
        const [i, j] = diff as [number, number];
        expect(j).toBe(i + 1);
        expect([v[i], v[j]]).toEqual([doc[j], doc[i]]);
        expect(doc[i]).toMatch(/\p{L}/u);
        expect(doc[j]).toMatch(/\p{L}/u);
      }
    }
  });

  it('makes k non-overlapping swaps for typos: k, and none where no two different letters touch', () => {
    const doc = DOCS[0]!;
    for (const v of typoVariants(doc, new Rng(2), { typos: 3, samples: 4 })) {
      const diff = [...doc].flatMap((c, i) => (c === v[i] ? [] : [i]));
      expect(diff).toHaveLength(6);
    }
    expect(typoVariants('aa bb!', new Rng(0), { samples: 3 })).toEqual([]);
    expect(typoPositions('ab')).toEqual([0]);
  });
});

describe('case and punctuation', () => {
  it('case changes only letter case: the same words case-insensitively, same length', () => {
    for (const doc of DOCS) {
      for (const v of caseVariants(doc)) {
        expect(v).not.toBe(doc);
        expect(v.toLowerCase()).toBe(doc.toLowerCase());
      }
    }
    expect(caseVariants('Hello')).toEqual(['hello', 'HELLO']);
  });

  it('punctuation adds or removes it at the end only; the words are unchanged', () => {
    for (const doc of DOCS) {
      for (const v of punctuationVariants(doc)) {
        expect(v).not.toBe(doc);
        expect(words(v)).toEqual(words(doc));
      }
    }
    expect(punctuationVariants('Call me tomorrow!')).toEqual(['Call me tomorrow', 'Call me tomorrow.']);
    expect(punctuationVariants('Call me.')).toEqual(['Call me']);
  });
});

describe('contractions', () => {
  it('expands and contracts with the built-in list, keeping the first letter case', () => {
    expect(expandContractions("I don't know; We're late. DON'T")).toBe('I do not know; We are late. DO NOT');
    expect(contract('It is not what we are doing. You are')).toBe("It isn't what we're doing. You're");
    expect(contractionVariants('nothing to change here')).toEqual([]);
    for (const [short, long] of Object.entries(CONTRACTIONS)) {
      expect(expandContractions(short)).toBe(long);
      expect(contract(long)).toBe(short);
    }
  });

  it('does not touch words that merely contain a listed form', () => {
    expect(expandContractions("cannot isn'tt")).toBe("cannot isn'tt");
    expect(contract('this island')).toBe('this island');
  });
});

/** The single word that differs between two texts (assumes one word replaced everywhere). */
function swapped(a: string, b: string): [string, string] {
  const wa = words(a);
  const wb = words(b);
  const k = wa.findIndex((w, i) => w !== wb[i]);
  return [wa[k]!, wb[k]!];
}

describe('word swaps', () => {
  it('synonyms come from the same built-in set, in the original case', () => {
    const rng = new Rng(3);
    const doc = 'Good news: buy a BIG car. It is a good car.';
    const variants = textVariants('synonyms', doc, rng, { samples: 10, typos: 1 });
    expect(variants.length).toBeGreaterThan(2);
    for (const v of variants) {
      const [from, to] = swapped(doc, v);
      const set = SYNONYM_SETS.find((s) => s.includes(from.toLowerCase()))!;
      expect(set).toContain(to.toLowerCase());
      expect(to.toLowerCase()).not.toBe(from.toLowerCase());
      const caseOf = (w: string): string => (w === w.toUpperCase() ? 'upper' : w[0] === w[0]!.toUpperCase() ? 'title' : 'lower');
      expect(caseOf(to)).toBe(caseOf(from));
      // every occurrence of the word changes, the other words do not
      expect(words(v).length).toBe(words(doc).length);
    }
  });

  it('names stay in their list, places in theirs (city for city, country for country)', () => {
    const rng = new Rng(4);
    const doc = 'Mary flew from London to Japan with James; Mary loved London.';
    const names = textVariants('names', doc, rng, { samples: 10, typos: 1 });
    const places = textVariants('locations', doc, rng, { samples: 10, typos: 1 });
    expect(names.length).toBeGreaterThan(0);
    expect(places.length).toBeGreaterThan(0);
    for (const v of names) {
      const [from, to] = swapped(doc, v);
      const list = FIRST_NAMES.female.includes(from) ? FIRST_NAMES.female : FIRST_NAMES.male;
      expect(list).toContain(to);
      expect(v.split(to).length).toBeGreaterThanOrEqual(doc.split(from).length);
    }
    for (const v of places) {
      const w = words(v);
      const changed = words(doc).filter((x, i) => x !== w[i]);
      expect(changed.every((x) => PLACES.city.includes(x) || PLACES.country.includes(x))).toBe(true);
      const replaced = w.filter((x, i) => x !== words(doc)[i]);
      if (PLACES.city.includes(changed[0]!)) expect(PLACES.city.some((c) => v.includes(c) && !doc.includes(c))).toBe(true);
      else expect(PLACES.country).toContain(replaced[0]);
    }
    expect(textVariants('names', 'Marked as spam', rng, { samples: 3, typos: 1 })).toEqual([]);
  });

  it('replaces multi-word places whole', () => {
    const v = textVariants('locations', 'Flights to New York', new Rng(5), { samples: 20, typos: 1 });
    for (const s of v) {
      expect(s.startsWith('Flights to ')).toBe(true);
      const place = s.slice('Flights to '.length);
      expect(PLACES.city).toContain(place);
    }
  });
});

describe('every text perturbation', () => {
  it('is deterministic under a seed and never returns the text itself', () => {
    for (const kind of TEXT_PERTURBATIONS) {
      for (const doc of DOCS) {
        const a = textVariants(kind, doc, new Rng(7), { samples: 3, typos: 1 });
        const b = textVariants(kind, doc, new Rng(7), { samples: 3, typos: 1 });
        expect(a).toEqual(b);
        expect(a).not.toContain(doc);
        expect(new Set(a).size).toBe(a.length);
      }
    }
  });
});
