import { describe, expect, it } from 'vitest';
import { textKind } from '../../../test/conformance/input-kinds.js';
import { limeText } from './lime-text.js';
import { textOcclusion } from './occlusion-text.js';
import { indexText, maskText } from './tokens.js';

/** P(negative) rises with 'awful' and 'bad', falls with 'great'; other words do nothing (the conformance suite's text model). */
const sentiment = textKind().classifier;

describe('text tokens', () => {
  it('keeps separators, groups repeated words with bow, and removes every occurrence', () => {
    const t = indexText('Bad, bad movie!');
    expect(t.players).toEqual(['Bad', 'bad', 'movie']);
    expect(maskText(t, Uint8Array.of(1, 0, 1))).toBe('Bad,  movie!');
    const rep = indexText('a b a');
    expect(rep.players).toEqual(['a', 'b']);
    expect(maskText(rep, Uint8Array.of(0, 1))).toBe(' b ');
    expect(indexText('a b a', { bow: false }).players).toEqual(['a', 'b', 'a']);
  });
});

describe('limeText and textOcclusion', () => {
  it('rank the words the classifier uses, with the right signs', async () => {
    const docs = ['the plot was awful but the music was great', 'a bad film'];
    const lime = await limeText({ samples: 1000, seed: 1 }).explain(sentiment, docs, { target: 1 });
    const tokens = (lime.extras as { tokens: string[][] }).tokens;
    const w = (r: number, word: string): number => lime.values[r * lime.shape[1]! + tokens[r]!.indexOf(word)]!;
    expect(w(0, 'awful')).toBeGreaterThan(0.1);
    expect(w(0, 'great')).toBeLessThan(-0.05);
    expect(Math.abs(w(0, 'plot'))).toBeLessThan(0.05);
    expect(w(1, 'bad')).toBeGreaterThan(0.05);
    const occ = await textOcclusion().explain(sentiment, docs, { target: 1 });
    const otok = (occ.extras as { tokens: string[][] }).tokens;
    expect(occ.values[otok[0]!.indexOf('awful')]!).toBeGreaterThan(0.1);
    expect(occ.values[otok[0]!.indexOf('plot')]).toBe(0);
  });
});

// The shared conformance suite runs limeText and textOcclusion from test/conformance/registry.test.ts.
