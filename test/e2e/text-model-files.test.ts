import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSpamData } from '../../src/demos/spam/data.js';
import { BagOfWordsEncoder } from '../../src/encode/bag-of-words.js';
import { loadModel } from '../../src/model/load-model.js';
import { textPipeline } from '../../src/model/text-pipeline.js';
import { resultsSchema } from '../../src/results/schema.js';
import { runGlassbox } from '../support/cli.js';

const ROWS = 240;
const modelDir = resolve('models/spam');
const csvField = (v: string): string => `"${v.replace(/"/g, '""')}"`;

/** A text model given as files: the committed spam artifact (TF.js model.json + text-encoder.json) and a CSV of messages. */
describe('text models from files: --model + --text-encoder + a CSV with a text column', () => {
  let dir = '';
  let csv = '';
  let texts: string[] = [];
  let labels: string[] = [];
  const modelArgs = ['--model', join(modelDir, 'model.json'), '--text-encoder', join(modelDir, 'text-encoder.json')];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-text-files-'));
    const data = loadSpamData(0);
    const rows = Array.from(data.isTest.keys()).filter((i) => data.isTest[i] === 1).slice(0, ROWS);
    texts = rows.map((i) => data.texts[i]!);
    labels = rows.map((i) => (data.labels[i] === 1 ? 'spam' : 'ham'));
    csv = join(dir, 'messages.csv');
    await writeFile(csv, `message,label\n${rows.map((_, k) => `${csvField(texts[k]!)},${labels[k]}`).join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('scan: accuracy equals the pipeline’s own on the CSV, and the text section highlights words', async () => {
    const out = join(dir, 'out');
    const run = await runGlassbox(['scan', ...modelArgs, '--data', csv, '--target', 'label', '--out', out, '--quiet']);
    if (run.code === 2) throw new Error(run.stderr);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    const model = await loadModel(join(modelDir, 'model.json'), { task: 'binary', classes: ['ham', 'spam'] });
    const encoder = BagOfWordsEncoder.fromJSON(JSON.parse(await readFile(join(modelDir, 'text-encoder.json'), 'utf8')));
    const probs = await textPipeline(model, encoder).predictTexts(texts);
    await model.dispose?.();
    const correct = labels.filter((l, i) => (probs[2 * i + 1]! >= 0.5 ? 'spam' : 'ham') === l).length;
    expect(results.input.rows).toBe(ROWS);
    expect(results.findings.find((f) => f.id === 'overall-performance/accuracy')?.value).toBeCloseTo(correct / ROWS, 12);
    const words = results.sections.find((s) => s.id === 'text-attributions');
    expect(words?.blocks.some((b) => b.kind === 'highlighted-text')).toBe(true);
    expect(results.summary.detectors.filter((d) => d.status === 'failed')).toEqual([]);
  }, 300_000);

  it('explain --method lime: one weight per token of each message, same bytes for the same seed', async () => {
    const args = ['explain', ...modelArgs, '--data', csv, '--target', 'label', '--method', 'lime', '--rows', '0:2', '--samples', '300', '--seed', '3'];
    const first = await runGlassbox(args);
    if (first.code !== 0) throw new Error(first.stderr);
    const json = JSON.parse(first.stdout) as { tokens: string[][]; values: number[][] };
    expect(json.tokens).toHaveLength(2);
    json.tokens.forEach((tokens, r) => expect(json.values[r]).toHaveLength(tokens.length));
    expect((await runGlassbox(args)).stdout).toBe(first.stdout);
  }, 120_000);

  it('refuses a text encoder that does not fit the model, before any work', async () => {
    const small = join(dir, 'small-encoder.json');
    await writeFile(small, JSON.stringify({ format: 'glassbox-text-encoder/1', vocabulary: ['free', 'money'], weighting: 'log1p-l2' }));
    const run = await runGlassbox(['scan', '--model', join(modelDir, 'model.json'), '--text-encoder', small, '--data', csv, '--target', 'label', '--out', join(dir, 'never'), '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/2 vocabulary columns but the model takes 2000 inputs/);
  });
});
