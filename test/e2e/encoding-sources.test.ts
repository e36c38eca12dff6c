import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultsSchema } from '../../src/results/schema.js';
import { columnPipelineOnnx, pipelineProbability } from '../fixtures/onnx/column-pipeline.js';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, REPO_ROOT, referencePath, useReference } from '../support/reference.js';

interface Predicted { classes: string[]; outputs: number[][]; rowIds?: number[] }

/**
 * Issue 10 §3: glassbox never invents an encoding for a model that consumes encoded inputs. The adult
 * XGBoost model takes ordinal codes into the schema's category lists; coding them from whatever file is
 * given changed its predictions silently (accuracy 0.8706 instead of 0.8739, and one unseen category in
 * a training row changed test predictions).
 */
const HAS_REFERENCE = useReference('encodings come from --schema, --preprocess or nowhere', [
  'adult-xgb/xgb.json', 'adult-xgb/schema.json', 'adult-xgb/xgb_margin_and_prob.json', 'german-credit/mlp.onnx', 'german-credit/preprocess.json', '../datasets/adult.csv', '../datasets/german_credit.csv',
]);

describe.skipIf(!HAS_REFERENCE)('encodings come from --schema, --preprocess or nowhere', () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);
  const xgb = referencePath('adult-xgb/xgb.json');
  const adultSchema = referencePath('adult-xgb/schema.json');
  let reference: Map<number, number>;
  let header: string;
  let lines: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-encoding-'));
    const text = (await readFile(join(DATASETS_DIR, 'adult.csv'), 'utf8')).trimEnd().split('\n');
    header = text[0]!;
    lines = text.slice(1, 401);
    await writeFile(file('adult-400.csv'), [header, ...lines].join('\n'));
    // one training row (_is_test False) gets a workclass the model never saw
    const train = lines.findIndex((l) => l.endsWith(',False'));
    await writeFile(file('adult-unseen.csv'), [header, ...lines.map((l, i) => (i === train ? l.replace(/^(\d+),[^,]+,/, '$1,Martian,') : l))].join('\n'));
    const ref = JSON.parse(await readFile(referencePath('adult-xgb/xgb_margin_and_prob.json'), 'utf8')) as { row_ids: number[]; prob: number[] };
    reference = new Map(ref.row_ids.map((id, k) => [id, ref.prob[k]!]));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const predict = async (args: string[]): Promise<{ code: number; stderr: string; json?: Predicted }> => {
    const run = await runGlassbox(['predict', '--model', xgb, ...args]);
    return { code: run.code, stderr: run.stderr, ...(run.code === 0 ? { json: JSON.parse(run.stdout) as Predicted } : {}) };
  };
  const maxErrorOnTestRows = (json: Predicted): { checked: number; error: number } => {
    let checked = 0;
    let error = 0;
    json.outputs.forEach((row, i) => {
      const p = reference.get(i);
      if (p === undefined) return;
      checked++;
      error = Math.max(error, Math.abs(row[1]! - p));
    });
    return { checked, error };
  };

  it('refuses to code categories from the data when nothing gives the encoding (exit 2, names the flags)', async () => {
    for (const command of ['predict', 'scan']) {
      const run = await runGlassbox([command, '--model', xgb, '--data', file('adult-400.csv'), '--target', 'income', ...(command === 'scan' ? ['--out', file('never'), '--quiet'] : [])]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/takes encoded inputs.*workclass/);
      expect(run.stderr).toMatch(/--schema FILE.*--preprocess FILE/);
    }
  });

  it('with --schema the codes are the schema\'s: predictions equal xgboost\'s on the test rows', async () => {
    const { json, stderr } = await predict(['--data', file('adult-400.csv'), '--schema', adultSchema]);
    expect(json, stderr).toBeDefined();
    const { checked, error } = maxErrorOnTestRows(json!);
    expect(checked).toBeGreaterThan(50);
    expect(error).toBeLessThan(1e-6);
  });

  it('an unseen category in a training row stops with its data row id, and --unknown-category ignore leaves the test predictions unchanged', async () => {
    const train = lines.findIndex((l) => l.endsWith(',False'));
    const stopped = await predict(['--data', file('adult-unseen.csv'), '--schema', adultSchema]);
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/Unknown categories in column "workclass".*"Martian"/);
    expect(stopped.stderr).toMatch(new RegExp(`Data rows \\(0-based, header excluded\\): ${train}\\.`));
    expect(stopped.stderr).toMatch(/--unknown-category/);

    const ignored = await predict(['--data', file('adult-unseen.csv'), '--schema', adultSchema, '--unknown-category', 'ignore']);
    expect(ignored.json, ignored.stderr).toBeDefined();
    expect(ignored.stderr).toMatch(/warning\[unknown-categories\].*workclass.*treated as missing/);
    const { checked, error } = maxErrorOnTestRows(ignored.json!);
    expect(checked).toBeGreaterThan(50);
    expect(error).toBeLessThan(1e-6);

    const frequent = await predict(['--data', file('adult-unseen.csv'), '--schema', adultSchema, '--unknown-category', 'most-frequent']);
    expect(frequent.stderr).toMatch(/replaced by the most frequent category "Private"/);
    const bad = await predict(['--data', file('adult-unseen.csv'), '--schema', adultSchema, '--unknown-category', 'guess']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--unknown-category must be one of error, ignore, most-frequent/);
  });

  it('with --schema, rows to predict or explain need neither the split column nor the label', async () => {
    const withLabels = await predict(['--data', file('adult-400.csv'), '--schema', adultSchema, '--rows', '0:5']);
    const bare = lines.slice(0, 5).map((l) => l.split(',').slice(0, 14).join(','));
    await writeFile(file('adult-bare.csv'), [header.split(',').slice(0, 14).join(','), ...bare].join('\n'));
    const scored = await predict(['--data', file('adult-bare.csv'), '--schema', adultSchema]);
    expect(scored.json, scored.stderr).toBeDefined();
    expect(scored.json!.outputs).toEqual(withLabels.json!.outputs);
    expect(scored.json!.classes).toEqual(['<=50K', '>50K']);
    const explained = await runGlassbox(['explain', '--model', xgb, '--data', file('adult-bare.csv'), '--schema', adultSchema, '--method', 'tree-shap']);
    expect(explained.code, explained.stderr).toBe(0);
    expect((JSON.parse(explained.stdout) as { values: number[][] }).values).toHaveLength(5);
  });

  it('with --preprocess and no --schema, categories come from the preprocess spec: 5 rows explained against a background holding other categories', async () => {
    const german = (await readFile(join(DATASETS_DIR, 'german_credit.csv'), 'utf8')).trimEnd().split('\n');
    const noSplit = (l: string): string => l.replace(/,(True|False|_is_test)$/, '');
    await writeFile(file('five.csv'), [german[0]!, ...german.slice(1).filter((l) => l.startsWith('no checking account')).slice(0, 5)].map(noSplit).join('\n'));
    await writeFile(file('bg.csv'), german.slice(0, 101).join('\n'));
    const run = await runGlassbox(['explain', '--model', referencePath('german-credit/mlp.onnx'), '--preprocess', referencePath('german-credit/preprocess.json'), '--data', file('five.csv'), '--background', file('bg.csv'), '--method', 'exact-shapley']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { values: number[][]; outputs: number[]; baseValues: number[]; featureNames: string[] };
    expect(json.values).toHaveLength(5);
    expect(json.featureNames).toHaveLength(20);
    // exact Shapley values add up to f(x) − E[f(background)]
    json.values.forEach((row, r) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(json.outputs[r]! - json.baseValues[r]!, 6));
  });

  it('a model that takes raw numeric columns is scanned with an inferred schema, and results.json and the report say so', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => {
      const a = ((i * 37) % 100) / 10;
      const b = ((i * 53) % 70) / 7;
      return `${a},${b},${a + b > 10 ? 1 : 0}`;
    });
    await writeFile(file('numeric.csv'), ['a,b,y', ...rows].join('\n'));
    await writeFile(file('model.mjs'), 'export const inputWidth = 2;\nexport function predict(x, n) { const out = new Float32Array(2 * n); for (let i = 0; i < n; i++) { const p = 1 / (1 + Math.exp(-(x[2 * i] + x[2 * i + 1] - 10))); out[2 * i] = 1 - p; out[2 * i + 1] = p; } return out; }\n');
    const out = file('numeric-out');
    const run = await runGlassbox(['scan', '--model', file('model.mjs'), '--data', file('numeric.csv'), '--target', 'y', '--out', out, '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning\[schema-inferred\]/);
    const results = resultsSchema.parse(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')));
    expect(results.warnings?.map((w) => w.code)).toEqual(['schema-inferred']);
    expect(results.warnings![0]!.message).toMatch(/inferred from .*numeric\.csv \(a, b; label y\)/);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/<div class="warnings" role="alert">.*schema-inferred/s);
    expect(await readFile(join(out, 'findings.md'), 'utf8')).toMatch(/\*\*Warning \(schema-inferred\)\*\*/);
  }, 60_000);
});

/** A LightGBM model trained on pandas categoricals holds its category lists: they give the codes. */
describe('category lists from the model file (LightGBM pandas_categorical)', () => {
  let dir: string;
  const fixture = join(REPO_ROOT, 'test/fixtures/models/lightgbm-pandas-categorical.txt');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-lgb-'));
    // only green and red: codes refitted from this file would make red 1, but the model's red is 2
    await writeFile(join(dir, 'rows.csv'), 'age,color,y\n30,red,1\n40,green,0\n50,red,1\n');
    await writeFile(join(dir, 'no-lists.txt'), (await readFile(fixture, 'utf8')).replace(/pandas_categorical:.*\n?$/, ''));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('codes colour with the model\'s list (red → its split\'s left leaf), and refuses when the file holds none', async () => {
    const run = await runGlassbox(['predict', '--model', fixture, '--data', join(dir, 'rows.csv'), '--target', 'y']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const p = (JSON.parse(run.stdout) as Predicted).outputs.map((o) => o[1]!);
    const sigmoid = (m: number): number => 1 / (1 + Math.exp(-m));
    [sigmoid(2), sigmoid(-2), sigmoid(2)].forEach((want, i) => expect(p[i]).toBeCloseTo(want, 6));
    const refused = await runGlassbox(['predict', '--model', join(dir, 'no-lists.txt'), '--data', join(dir, 'rows.csv'), '--target', 'y']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/takes encoded inputs.*column color/);
  });
});

/** An XGBoost ≥ 3.1 model trained on a dataframe holds its category names (`cats`): they give the codes. */
describe('category lists from the model file (XGBoost cats)', () => {
  let dir: string;
  const names = ['blue', 'green', 'red'];
  const bytes = names.map((n) => Array.from(new TextEncoder().encode(n)));
  const offsets = bytes.reduce((acc, b) => [...acc, acc[acc.length - 1]! + b.length], [0]);
  /** One categorical split on colour: red (code 2) goes right (+2), everything else left (−2). */
  const model = (cats: unknown) => ({
    learner: {
      attributes: {},
      feature_names: ['age', 'color'],
      feature_types: ['int', 'c'],
      gradient_booster: {
        model: {
          gbtree_model_param: { num_parallel_tree: '1', num_trees: '1', size_leaf_vector: '0' },
          tree_info: [0],
          trees: [{
            base_weights: [0, -2, 2], categories: [2], categories_nodes: [0], categories_segments: [0], categories_sizes: [1], default_left: [1, 0, 0], id: 0,
            left_children: [1, -1, -1], loss_changes: [3, 0, 0], parents: [2147483647, 0, 0], right_children: [2, -1, -1], split_conditions: [0, -2, 2],
            split_indices: [1, 0, 0], split_type: [1, 0, 0], sum_hessian: [2, 1, 1], tree_param: { num_deleted: '0', num_feature: '2', num_nodes: '3', size_leaf_vector: '0' },
          }],
          ...(cats ? { cats } : {}),
        },
        name: 'gbtree',
      },
      learner_model_param: { base_score: '5E-1', boost_from_average: '1', num_class: '0', num_feature: '2', num_target: '1' },
      objective: { name: 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
    },
    version: [3, 1, 0],
  });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-xgb-cats-'));
    // only green and red: codes refitted from this file would make red 1, but the model's red is 2
    await writeFile(join(dir, 'rows.csv'), 'age,color,y\n30,red,1\n40,green,0\n50,red,1\n');
    await writeFile(join(dir, 'cats.json'), JSON.stringify(model({ enc: [{ type: 5, values: [] }, { offsets, values: bytes.flat() }], feature_segments: [0, 0, 3], sorted_idx: [0, 1, 2] })));
    await writeFile(join(dir, 'no-cats.json'), JSON.stringify(model(undefined)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('codes colour with the model\'s list (red → the split\'s right leaf), and refuses when the file holds none', async () => {
    const run = await runGlassbox(['predict', '--model', join(dir, 'cats.json'), '--data', join(dir, 'rows.csv'), '--target', 'y']);
    expect(run.code, run.stderr).toBe(0);
    const p = (JSON.parse(run.stdout) as Predicted).outputs.map((o) => o[1]!);
    const sigmoid = (m: number): number => 1 / (1 + Math.exp(-m));
    [sigmoid(2), sigmoid(-2), sigmoid(2)].forEach((want, i) => expect(p[i]).toBeCloseTo(want, 6));
    const refused = await runGlassbox(['predict', '--model', join(dir, 'no-cats.json'), '--data', join(dir, 'rows.csv'), '--target', 'y']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/takes encoded inputs.*column color/);
  });
});

/** An ONNX pipeline with one input per raw column encodes them itself: its OneHotEncoder's list gives the codes. */
describe('encodings inside an ONNX model (string inputs read by a OneHotEncoder)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-onnx-columns-'));
    await writeFile(join(dir, 'pipeline.onnx'), columnPipelineOnnx());
    // only green and red, in another column order: codes refitted from this file would make red 1, the model's red is 2
    await writeFile(join(dir, 'rows.csv'), 'color,age,y\nred,30,1\ngreen,40,0\nred,50,1\ngreen,20,0\n');
    await writeFile(join(dir, 'unknown.csv'), 'age,color,y\n30,red,1\n40,purple,0\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('predicts from raw columns by name with the model\'s categories; unknown categories stop, or reach the model as unknown under ignore', async () => {
    const model = join(dir, 'pipeline.onnx');
    const run = await runGlassbox(['predict', '--model', model, '--data', join(dir, 'rows.csv'), '--target', 'y']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const p = (JSON.parse(run.stdout) as Predicted).outputs.map((o) => o[1]!);
    [[30, 'red'], [40, 'green'], [50, 'red'], [20, 'green']].forEach(([age, color], i) => expect(p[i]).toBeCloseTo(pipelineProbability(age as number, color as string), 6));
    const refused = await runGlassbox(['predict', '--model', model, '--data', join(dir, 'unknown.csv'), '--target', 'y']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/purple/);
    const ignored = await runGlassbox(['predict', '--model', model, '--data', join(dir, 'unknown.csv'), '--target', 'y', '--unknown-category', 'ignore']);
    expect(ignored.code, ignored.stderr).toBe(0);
    expect((JSON.parse(ignored.stdout) as Predicted).outputs[1]![1]).toBeCloseTo(pipelineProbability(40, 'purple'), 6);
  });

  it('explains the raw columns: exact Shapley values of the two columns sum to f(x) − E f(background)', async () => {
    const run = await runGlassbox(['explain', '--model', join(dir, 'pipeline.onnx'), '--data', join(dir, 'rows.csv'), '--target', 'y', '--method', 'exact-shapley', '--rows', '0:1', '--class', '1', '--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout) as { featureNames: string[]; values: number[][]; baseValues: number[]; outputs: number[] };
    expect(json.featureNames.sort()).toEqual(['age', 'color']);
    const sum = json.values[0]!.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(json.outputs[0]! - json.baseValues[0]!, 6);
  });
});
