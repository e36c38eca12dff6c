import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applySchema, encoderFromPreprocessJson, loadOnnxModel, loadSchema, loadTable, scan, splitTrainTest, writeRun } from '../../src/index.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('library API (README example)', ['german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

/** The README's library example, run as written against the package entry point. */
describe.skipIf(!HAS_REFERENCE)('library API (README example)', () => {
  it('scans german-credit from code and writes the run', async () => {
    const schema = loadSchema(referencePath('german-credit/schema.json'));
    const { train, test } = splitTrainTest(applySchema(await loadTable(join(DATASETS_DIR, 'german_credit.csv'), { schema }), schema), schema);
    const model = await loadOnnxModel(referencePath('german-credit/mlp.onnx'), { task: schema.target!.task, classes: schema.target!.classes });
    const encoder = encoderFromPreprocessJson(JSON.parse(await readFile(referencePath('german-credit/preprocess.json'), 'utf8')));
    const results = await scan({ table: test, train, schema, model, encoder }, { seed: 0 });
    expect(results.findings.find((f) => f.id === 'overall-performance/accuracy')?.value).toBeCloseTo(0.7471, 4);
    const out = await mkdtemp(join(tmpdir(), 'glassbox-lib-'));
    try {
      await writeRun(out, results);
      expect((await readdir(out)).sort()).toEqual(['findings.md', 'junit.xml', 'report.html', 'results.json']);
    } finally {
      await rm(out, { recursive: true, force: true });
      await model.dispose();
    }
  }, 120_000);
});
