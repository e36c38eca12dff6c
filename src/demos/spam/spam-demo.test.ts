import { describe, expect, it } from 'vitest';
import { loadDemo } from '../index.js';
import { messageText } from './data.js';
import type { SpamDemo } from './index.js';
import { BagOfWordsEncoder, tokenSpans } from '../../encode/bag-of-words.js';

describe('text encoder', () => {
  it('tokenizes with offsets, lower-cases and collapses numbers', () => {
    const text = 'FREE money!!! Call 0800 now, café';
    const spans = tokenSpans(text);
    expect(spans.map((s) => s.token)).toEqual(['free', 'money!!!', 'call', '#num', 'now', 'café']);
    for (const s of spans) expect(text.slice(s.start, s.end).toLowerCase().replace(/^\d+$/, '#num')).toBe(s.token);
  });

  it('encodes log counts with unit L2 norm, ignoring unknown tokens, and round-trips through JSON', () => {
    const encoder = BagOfWordsEncoder.fit(['a b c', 'a b', 'a d', 'zzz'], { minDocumentFrequency: 2 });
    expect(encoder.vocabulary).toEqual(['a', 'b']);
    const x = encoder.encode(['a a b q', 'q only', 'b']);
    const r0 = [Math.log1p(2), Math.log1p(1)];
    const norm = Math.hypot(...r0);
    expect(x[0]).toBeCloseTo(r0[0]! / norm, 6);
    expect(x[1]).toBeCloseTo(r0[1]! / norm, 6);
    expect([x[2], x[3]]).toEqual([0, 0]);
    expect([x[4], x[5]]).toEqual([0, 1]);
    expect(BagOfWordsEncoder.fromJSON(JSON.parse(JSON.stringify(encoder.toJSON()))).encode(['a a b q'])).toEqual(x.subarray(0, 2));
    expect(() => BagOfWordsEncoder.fromJSON({ vocabulary: [] })).toThrow(/glassbox-text-encoder/);
  });

  it('keeps the subject and drops headers and HTML', () => {
    const text = messageText('From: a@b\nSubject: Cheap pills\nX-Mailer: foo\n\n<html><b>Buy</b>&nbsp;now</html>');
    expect(text).toBe('Cheap pills\n\nBuy now');
  });
});

describe('spam demo', () => {
  it('loads the committed model with test accuracy ≥ 0.9; raw strings and inputs agree', async () => {
    const demo = (await loadDemo('spam')) as SpamDemo;
    expect(demo.modelSource).toBe('artifact');
    expect(demo.table.nRows).toBe(3000);
    const p = await demo.model.predict(demo.inputs);
    let correct = 0;
    let n = 0;
    for (let i = 0; i < demo.data.labels.length; i++) {
      if (!demo.data.isTest[i]) continue;
      n++;
      if ((p[2 * i + 1]! > 0.5 ? 1 : 0) === demo.data.labels[i]) correct++;
    }
    expect(n).toBe(750);
    expect(correct / n).toBeGreaterThanOrEqual(0.9);
    const fromText = await demo.predictTexts(demo.data.texts.slice(0, 20));
    expect(fromText).toEqual(p.subarray(0, 40));
    // token lists: all tokens reproduce the row; out-of-vocabulary tokens alone score as an empty message
    const tokens = demo.textEncoder.tokenize(demo.data.texts[0]!);
    expect(await demo.predictTokens([tokens])).toEqual(p.subarray(0, 2));
    const unknownOnly = tokens.filter((t) => demo.textEncoder.column(t) < 0);
    expect(unknownOnly.length).toBeGreaterThan(0);
    expect(await demo.predictTokens([unknownOnly])).toEqual(await demo.predictTokens([[]]));
  });
});
