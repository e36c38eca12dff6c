import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

const HAS_REFERENCE = useReference('glassbox predict', ['german-credit/mlp.onnx', 'german-credit/mlp_inputs_outputs.json', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

/** `glassbox predict` on the german-credit CSV reproduces torch's probabilities for the reference rows. */
describe.skipIf(!HAS_REFERENCE)('glassbox predict', () => {
  const args = ['predict', '--data', `${DATASETS_DIR}/german_credit.csv`, '--schema', referencePath('german-credit/schema.json'), '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json')];

  it('prints {classes, outputs} matching mlp_inputs_outputs.json within 1e-6', async () => {
    const reference = JSON.parse(await readFile(referencePath('german-credit/mlp_inputs_outputs.json'), 'utf8')) as { row_ids: number[]; probabilities: number[][] };
    const run = await runGlassbox([...args, '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { classes: string[]; outputs: number[][] };
    expect(printed.classes).toEqual(['good', 'bad']);
    expect(printed.outputs).toHaveLength(1000);
    let worst = 0;
    reference.row_ids.forEach((rowId, i) => {
      for (let k = 0; k < 2; k++) worst = Math.max(worst, Math.abs(printed.outputs[rowId]![k]! - reference.probabilities[i]![k]!));
    });
    expect(worst).toBeLessThan(1e-6);
  });

  it('prints CSV for a row range with row ids', async () => {
    const run = await runGlassbox([...args, '--rows', '2:5', '--format', 'csv']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('row,good,bad');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual([2, 3, 4]);
    for (const line of lines.slice(1)) {
      const [, good, bad] = line.split(',').map(Number);
      expect(good! + bad!).toBeCloseTo(1, 6);
    }
  });
});
