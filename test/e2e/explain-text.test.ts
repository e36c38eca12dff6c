import { beforeAll, describe, expect, it } from 'vitest';
import { findColumn } from '../../src/data/table.js';
import { loadSpamDemo, type SpamDemo } from '../../src/demos/spam/index.js';
import { tokenize } from '../../src/encode/bag-of-words.js';
import { indexText, maskText } from '../../src/explain/text/tokens.js';
import { Rng } from '../../src/rng.js';
import { runGlassbox } from '../support/cli.js';

interface TextJson {
  method: string;
  rowIds: number[];
  target: string[];
  labels: string[];
  outputs: number[];
  tokens: string[][];
  values: number[][];
  intercept?: number[];
  score?: number[];
}

async function explainJson(args: readonly string[]): Promise<{ json: TextJson; stdout: string }> {
  const run = await runGlassbox(['explain', '--demo', 'spam', ...args]);
  if (run.code !== 0) throw new Error(run.stderr);
  return { json: JSON.parse(run.stdout) as TextJson, stdout: run.stdout };
}

describe('glassbox explain --demo spam --method lime|occlusion', () => {
  let demo: SpamDemo;
  let vocabulary: Set<string>;
  /** P(spam) of texts under the demo's model (the classifier the CLI explains). */
  const pSpam = async (texts: string[]): Promise<number[]> => {
    const out = await demo.predictTexts(texts);
    return texts.map((_, i) => out[i * 2 + 1]!);
  };
  /** The demo's document with this row id. */
  const docOf = (rowId: number): string => {
    const column = findColumn(demo.table, 'text');
    if (column?.kind !== 'text') throw new Error('the spam demo has no text column');
    return column.values[demo.table.rowIds.indexOf(rowId)]!;
  };
  /** Whether the model sees the word at all: one of its tokens is in the vocabulary. */
  const used = (word: string): boolean => tokenize(word).some((t) => vocabulary.has(t));

  beforeAll(async () => {
    demo = await loadSpamDemo();
    vocabulary = new Set(demo.textEncoder.vocabulary);
  });

  it('LIME: one weight per distinct word; the top words of spam messages are words the model uses, and removing them lowers P(spam) more than removing random words', async () => {
    const { json } = await explainJson(['--method', 'lime', '--rows', '0:4', '--samples', '1000']);
    expect(json.method).toBe('lime-text');
    expect(json.target).toEqual(['spam', 'spam', 'spam', 'spam']);
    expect(json.intercept).toHaveLength(4);
    expect(json.score).toHaveLength(4);
    const spamRows = json.labels.flatMap((l, r) => (l === 'spam' && json.outputs[r]! > 0.5 ? [r] : []));
    expect(spamRows.length).toBeGreaterThanOrEqual(1);
    for (const r of spamRows) {
      const doc = docOf(json.rowIds[r]!);
      const indexed = indexText(doc);
      expect(json.tokens[r]).toEqual(indexed.players);
      expect(json.values[r]).toHaveLength(indexed.players.length);
      const order = Array.from(json.values[r]!.keys()).sort((a, b) => json.values[r]![b]! - json.values[r]![a]!);
      const top = order.slice(0, 3);
      for (const j of top) {
        expect(json.values[r]![j]!).toBeGreaterThan(0);
        expect(used(json.tokens[r]![j]!)).toBe(true);
      }
      const without = (players: readonly number[]): string => maskText(indexed, Uint8Array.from(indexed.players, (_, j) => (players.includes(j) ? 0 : 1)));
      const rng = new Rng(r);
      const random = Array.from({ length: 20 }, () => Array.from(rng.permutation(indexed.players.length).subarray(0, 3)));
      const [full, ...rest] = await pSpam([doc, without(top), ...random.map(without)]);
      const topDrop = full! - rest[0]!;
      const randomDrop = rest.slice(1).reduce((a, v) => a + (full! - v), 0) / random.length;
      expect(topDrop).toBeGreaterThan(randomDrop);
      expect(topDrop).toBeGreaterThan(0);
    }
  });

  it('LIME: the same seed gives identical output, another seed different weights', async () => {
    const args = ['--method', 'lime', '--rows', '3:4', '--samples', '300'];
    const a = await explainJson([...args, '--seed', '7']);
    const b = await explainJson([...args, '--seed', '7']);
    const c = await explainJson([...args, '--seed', '8']);
    expect(a.stdout).toBe(b.stdout);
    expect(c.json.tokens).toEqual(a.json.tokens);
    expect(c.json.values).not.toEqual(a.json.values);
  });

  it('occlusion: one weight per word position, exactly 0 for words the model never sees, equal to the drop when that word is removed', async () => {
    const { json } = await explainJson(['--method', 'occlusion', '--rows', '0:2', '--class', 'predicted']);
    expect(json.method).toBe('text-occlusion');
    for (let r = 0; r < 2; r++) {
      const doc = docOf(json.rowIds[r]!);
      const indexed = indexText(doc, { bow: false });
      expect(json.tokens[r]).toEqual(indexed.players);
      json.tokens[r]!.forEach((token, j) => {
        if (!used(token)) expect(json.values[r]![j]).toBe(0);
      });
      const j = json.tokens[r]!.findIndex(used);
      const mask = new Uint8Array(indexed.players.length).fill(1);
      mask[j] = 0;
      const targetIndex = json.target[r] === 'spam' ? 1 : 0;
      const out = await demo.predictTexts([doc, maskText(indexed, mask)]);
      expect(json.values[r]![j]!).toBeCloseTo(out[targetIndex]! - out[2 + targetIndex]!, 6);
    }
  });

  it('--format html highlights each document’s words; --format table lists the strongest words', async () => {
    const html = await runGlassbox(['explain', '--demo', 'spam', '--method', 'lime', '--rows', '0:2', '--samples', '200', '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout.match(/class="text-attr"/g)).toHaveLength(2);
    const table = await runGlassbox(['explain', '--demo', 'spam', '--rows', '0:1', '--samples', '200', '--format', 'table']);
    expect(table.code).toBe(0);
    // no --method: the table says which method was chosen and why, as for tabular rows
    expect(table.stdout).toMatch(/^method lime-text: text models: LIME .*\nrow \d+: label (spam|ham), lime-text of spam = /);
    expect(table.stdout.split('\n').filter((l) => l.startsWith('  ')).length).toBeGreaterThan(0);
  });
});

describe('glassbox explain: wrong combinations fail before loading data', () => {
  const cases: { name: string; args: string[]; flag: RegExp }[] = [
    { name: 'a tabular method on text', args: ['--demo', 'spam', '--method', 'kernel-shap'], flag: /kernel-shap explains tabular rows/ },
    { name: 'a gradient method on text', args: ['--demo', 'spam', '--method', 'integrated-gradients'], flag: /integrated-gradients/ },
    { name: 'a text method on a tabular demo', args: ['--demo', 'credit', '--method', 'lime-text'], flag: /lime-text explains text models/ },
    { name: 'an image method on text', args: ['--demo', 'spam', '--method', 'lime-image'], flag: /lime-image explains image models/ },
    { name: '--segmentation on tabular data', args: ['--demo', 'credit', '--method', 'lime', '--segmentation', 'slic'], flag: /--segmentation applies to LIME on images/ },
    { name: '--segmentation on text', args: ['--demo', 'spam', '--method', 'lime', '--segmentation', 'slic'], flag: /--segmentation/ },
    { name: '--window with LIME', args: ['--demo', 'digits', '--method', 'lime', '--window', '4'], flag: /--window applies to occlusion/ },
    { name: '--background on images', args: ['--demo', 'digits', '--method', 'occlusion', '--background', '10'], flag: /--background applies to tabular rows/ },
    { name: '--baseline on tabular occlusion', args: ['--demo', 'credit', '--method', 'occlusion', '--baseline', '0'], flag: /--baseline/ },
    { name: '--engine with a model-agnostic method', args: ['--demo', 'digits', '--method', 'lime', '--engine', 'tfjs'], flag: /--engine applies to gradient methods/ },
    { name: '--segments with quickshift', args: ['--demo', 'digits', '--method', 'lime', '--segments', '20'], flag: /--segmentation slic/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = await runGlassbox(['explain', ...c.args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(c.flag);
      expect(run.stderr).toMatch(/invalid_argument/);
    });
  }
});
