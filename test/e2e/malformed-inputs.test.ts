import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGlassbox } from '../support/cli.js';
import { DATASETS_DIR, referencePath, useReference } from '../support/reference.js';

/**
 * Malformed inputs, one per row: each must exit with code 2, print an error that names the culprit,
 * and leave the output folder untouched (here: it must not even be created).
 */
const HAS_REFERENCE = useReference('malformed inputs give a clear error, exit 2 and write nothing', ['german-credit/mlp.onnx', 'german-credit/preprocess.json', 'german-credit/schema.json', '../datasets/german_credit.csv']);

describe.skipIf(!HAS_REFERENCE)('malformed inputs give a clear error, exit 2 and write nothing', () => {
  let dir: string;
  const csv = join(DATASETS_DIR, 'german_credit.csv');
  const schema = referencePath('german-credit/schema.json');
  const model = referencePath('german-credit/mlp.onnx');
  const preprocess = referencePath('german-credit/preprocess.json');
  const file = (name: string): string => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glassbox-bad-'));
    const text = await readFile(csv, 'utf8');
    const lines = text.trimEnd().split('\n');
    const header = lines[0]!;
    const replaceCell = (line: string, column: number, value: string): string => {
      const cells: string[] = [];
      for (let rest = line; ; ) {
        const match = /^("[^"]*"|[^,]*)(,?)/.exec(rest)!;
        cells.push(match[1]!);
        if (!match[2]) break;
        rest = rest.slice(match[0].length);
      }
      cells[column] = value;
      return cells.join(',');
    };
    await writeFile(file('empty.csv'), '');
    await writeFile(file('header-only.csv'), `${header}\n`);
    await writeFile(file('semicolon.csv'), lines.slice(0, 50).map((l) => l.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, ';')).join('\n'));
    await writeFile(file('bad-number.csv'), [header, ...lines.slice(1, 40), replaceCell(lines[40]!, 1, 'forty'), ...lines.slice(41)].join('\n'));
    await writeFile(file('empty-cell.csv'), [header, ...lines.slice(1, 10), replaceCell(lines[10]!, 4, ''), ...lines.slice(11)].join('\n'));
    await writeFile(file('unknown-category.csv'), [header, ...lines.slice(1, 20), replaceCell(lines[20]!, 3, 'spaceship'), ...lines.slice(21)].join('\n'));
    await writeFile(file('bad-target.csv'), [header, ...lines.slice(1, 30), replaceCell(lines[30]!, 20, 'maybe'), ...lines.slice(31)].join('\n'));
    await writeFile(file('missing-column.csv'), lines.map((l) => l.replace(/^[^,]*,/, '')).join('\n'));
    await writeFile(file('extra-field.csv'), [header, ...lines.slice(1, 899), `${lines[899]!},surplus`, ...lines.slice(900)].join('\n'));
    await writeFile(file('open-quote.csv'), [header, ...lines.slice(1, 899), lines[899]!.replace(/^([^,]*),/, '$1,"'), ...lines.slice(900)].join('\n'));
    await writeFile(file('data.xlsx'), 'not a spreadsheet');
    await writeFile(file('broken-schema.json'), '{"features": [');
    await writeFile(file('garbage.onnx'), 'this is not a protobuf');
    await writeFile(file('model.pkl'), 'pickle');
    await writeFile(file('other.json'), '{"hello": "world"}');
    await writeFile(file('narrow-preprocess.json'), JSON.stringify({ ...JSON.parse(await readFile(preprocess, 'utf8')), steps: JSON.parse(await readFile(preprocess, 'utf8')).steps.slice(0, 3) }));
    await writeFile(file('a-file'), 'I am a file, not a folder');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ok = (): string[] => ['--data', csv, '--schema', schema, '--model', model, '--preprocess', preprocess];
  const cases: { name: string; args: () => string[]; mentions: RegExp[] }[] = [
    { name: 'data file does not exist', args: () => ['scan', '--data', file('nope.csv'), '--schema', schema, '--model', model], mentions: [/nope\.csv/] },
    { name: 'unsupported data extension', args: () => ['scan', '--data', file('data.xlsx'), '--model', model], mentions: [/data\.xlsx/, /xlsx|format|extension/i] },
    { name: 'empty data file', args: () => ['scan', '--data', file('empty.csv'), '--schema', schema, '--model', model], mentions: [/empty\.csv/, /empty/i] },
    { name: 'header-only data file', args: () => ['scan', '--data', file('header-only.csv'), '--schema', schema, '--model', model], mentions: [/header-only\.csv/, /no (data )?rows|header/i] },
    { name: 'wrong delimiter', args: () => ['scan', '--data', file('semicolon.csv'), '--delimiter', ',', '--schema', schema, '--model', model], mentions: [/semicolon\.csv/, /delimiter|;/i] },
    { name: 'unparsable number', args: () => ['scan', ...ok().map((a) => (a === csv ? file('bad-number.csv') : a))], mentions: [/month_duration/, /forty|number/i] },
    { name: 'empty cell with the default policy', args: () => ['scan', ...ok().map((a) => (a === csv ? file('empty-cell.csv') : a))], mentions: [/credit_amount/, /missing|empty|NaN/i] },
    { name: 'unknown category', args: () => ['scan', ...ok().map((a) => (a === csv ? file('unknown-category.csv') : a))], mentions: [/purpose/, /spaceship/] },
    { name: 'target value outside the classes', args: () => ['scan', ...ok().map((a) => (a === csv ? file('bad-target.csv') : a))], mentions: [/target/, /maybe/] },
    { name: 'a row with an extra field far into the file', args: () => ['scan', ...ok().map((a) => (a === csv ? file('extra-field.csv') : a))], mentions: [/extra-field\.csv, file line 900 \(the header is line 1\)/, /23 fields but the header has 22/] },
    { name: 'an unterminated quote far into the file', args: () => ['predict', ...ok().map((a) => (a === csv ? file('open-quote.csv') : a))], mentions: [/open-quote\.csv, file line 900/, /quote/] },
    { name: 'missing column', args: () => ['scan', ...ok().map((a) => (a === csv ? file('missing-column.csv') : a))], mentions: [/status_account/] },
    { name: 'malformed schema JSON', args: () => ['scan', '--data', csv, '--schema', file('broken-schema.json'), '--model', model], mentions: [/broken-schema\.json/] },
    { name: 'model file does not exist', args: () => ['scan', ...ok().map((a) => (a === model ? file('nope.onnx') : a))], mentions: [/nope\.onnx/] },
    { name: 'model file is not ONNX', args: () => ['scan', ...ok().map((a) => (a === model ? file('garbage.onnx') : a))], mentions: [/garbage\.onnx/] },
    { name: 'unknown model format', args: () => ['scan', ...ok().map((a) => (a === model ? file('model.pkl') : a))], mentions: [/model\.pkl/, /\.pkl|format/i] },
    { name: 'JSON model of no known kind', args: () => ['scan', ...ok().map((a) => (a === model ? file('other.json') : a))], mentions: [/other\.json/, /XGBoost|TF\.js/] },
    { name: 'encoder width does not match the model', args: () => ['scan', ...ok().map((a) => (a === preprocess ? file('narrow-preprocess.json') : a))], mentions: [/61/, /narrow-preprocess\.json/] },
    { name: 'neither --model nor a label column to train a baseline on', args: () => ['scan', '--data', csv], mentions: [/--target/, /--model/] },
    { name: 'unknown demo', args: () => ['scan', '--demo', 'tetris'], mentions: [/tetris/, /credit/] },
    { name: 'bad --fail-on', args: () => ['scan', ...ok(), '--fail-on', 'sometimes'], mentions: [/--fail-on/, /sometimes/] },
    { name: 'negative --seed', args: () => ['scan', ...ok(), '--seed', '-1'], mentions: [/--seed/] },
    { name: '--out is a file', args: () => ['scan', ...ok(), '--out', file('a-file')], mentions: [/a-file/, /not a folder/] },
    { name: 'predict with a bad --rows range', args: () => ['predict', ...ok(), '--rows', '900:2000'], mentions: [/--rows/, /900:2000/] },
  ];

  it.each(cases)('$name', async ({ args, mentions }) => {
    const out = file(`out-${Math.random().toString(36).slice(2)}`);
    const argv = args();
    const run = await runGlassbox(argv[0] === 'scan' && !argv.includes('--out') ? [...argv, '--out', out, '--quiet'] : [...argv, ...(argv[0] === 'scan' ? ['--quiet'] : [])]);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    for (const pattern of mentions) expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toMatch(/^error\[[a-z_]+\]/m);
    expect(await readdir(dir)).not.toContain(out.split('/').pop());
  });
});
