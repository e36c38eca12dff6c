import { describe, expect, it } from 'vitest';
import type { ScanResults } from '../../results/schema.js';
import { imageLayout } from '../../model/image-layout.js';
import { confidentErrors, imageAttributions } from './image-attributions.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('confident errors', () => {
  it('picks misclassified rows by predicted probability, ties in row order, fewer when there are fewer errors', () => {
    // 5 rows, 2 classes: rows 1, 2 and 4 are errors; rows 2 and 4 tie at 0.9.
    const outputs = Float32Array.from([0.8, 0.2, 0.3, 0.7, 0.1, 0.9, 0.4, 0.6, 0.9, 0.1]);
    const labels = Float64Array.from([0, 0, 0, 1, 1]);
    const context = { outputs, labels, model: { task: 'multiclass', outputWidth: 2 }, table: { rowIds: Int32Array.from([10, 11, 12, 13, 14]) } } as unknown as Parameters<typeof confidentErrors>[0];
    const top = confidentErrors(context, 2);
    expect(top.map((e) => e.rowId)).toEqual([12, 14]);
    expect(top.map((e) => e.predicted)).toEqual([1, 0]);
    expect(confidentErrors(context, 6).map((e) => e.rowId)).toEqual([12, 14, 11]);
  });

  it('reads [n, H, W, C] and [n, C, H, W] layouts from the shape', () => {
    expect(imageLayout([5, 28, 28, 1])).toBe('nhwc');
    expect(imageLayout([5, 1, 28, 28])).toBe('nchw');
    expect(imageLayout([5, 3, 32, 32])).toBe('nchw');
  });
});

describe('image-attributions detector', () => {
  it('explains the most confident errors of the digits CNN and runs the sanity checks (guided backprop fails)', async () => {
    const { loadDemoInputs } = await import('../../cli/load-demo.js');
    const { scan } = await import('../scan.js');
    const inputs = await loadDemoInputs('digits', { seed: 0 });
    const started = performance.now();
    const results: ScanResults = await scan(inputs, { detectors: [imageAttributions], seed: 0 });
    const seconds = (performance.now() - started) / 1000;
    console.info(`image-attributions on digits (${inputs.table.nRows} rows): ${seconds.toFixed(1)} s`);
    expect(results.summary.detectors[0]).toMatchObject({ id: 'image-attributions', status: 'ran' });

    // The examples are errors, and the most confident ones.
    const x = inputs.x!;
    const outputs = await inputs.model.predict(x);
    const width = inputs.model.outputWidth;
    const labels = inputs.table.columns.find((col) => col.name === inputs.schema.target!.name)!;
    expect(labels.kind).toBe('categorical');
    const labelOf = (i: number): string => (labels.kind === 'categorical' ? labels.categories[labels.codes[i]!]! : '');
    const confidence: number[] = [];
    const isError: boolean[] = [];
    for (let i = 0; i < inputs.table.nRows; i++) {
      let best = 0;
      for (let k = 1; k < width; k++) if (outputs[i * width + k]! > outputs[i * width + best]!) best = k;
      confidence.push(outputs[i * width + best]!);
      isError.push(inputs.model.classes[best] !== labelOf(i));
    }
    const summary = results.findings.find((f) => f.id === 'image-attributions/confident-errors')!;
    expect(summary.severity).toBe('info');
    const totalErrors = isError.filter(Boolean).length;
    expect(summary.examples.length).toBe(Math.min(6, totalErrors));
    const index = new Map(Array.from(inputs.table.rowIds, (id, i) => [id, i]));
    const chosen = summary.examples.map((id) => index.get(id)!);
    for (const i of chosen) expect(isError[i]).toBe(true);
    const lowest = Math.min(...chosen.map((i) => confidence[i]!));
    for (let i = 0; i < isError.length; i++) if (isError[i] && !chosen.includes(i)) expect(confidence[i]!).toBeLessThanOrEqual(lowest);

    // One image grid: a row per error (titled with row, label, prediction, confidence), a valid PNG per method.
    const section = results.sections.find((s) => s.id === 'image-attributions')!;
    const grids = section.blocks.filter((b) => b.kind === 'image-grid');
    expect(grids.length).toBe(1);
    const grid = grids[0]!.kind === 'image-grid' ? grids[0]! : undefined;
    expect(grid?.columns).toEqual(['input', 'saliency', 'integrated-gradients', 'grad-cam']);
    expect(grid?.rows.map((r) => Number(/^row (\d+)/.exec(r.title)?.[1]))).toEqual(summary.examples);
    for (const row of grid?.rows ?? []) {
      expect(row.title).toMatch(/^row \d+ · label \d → predicted \d · p=0\.\d{3}$/);
      expect(row.images.length).toBe(4);
      for (const png of row.images) expect([...Buffer.from(png, 'base64').subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    }
    expect(results.detectors['image-attributions']).toMatchObject({ settings: { gradCamLayer: 'conv2', layout: 'nhwc' } });

    // Sanity table: one verdict per method; guided backprop fails and is reported.
    const table = section.blocks.find((b) => b.kind === 'table' && b.columns[1] === 'verdict');
    expect(table?.kind).toBe('table');
    const verdicts = new Map(table!.kind === 'table' ? table!.rows.map((r) => [r[0], r[1]]) : []);
    expect([...verdicts.keys()].sort()).toEqual(['grad-cam', 'guided-backprop', 'integrated-gradients', 'saliency']);
    for (const v of verdicts.values()) expect(['pass', 'fail']).toContain(v);
    expect(verdicts.get('guided-backprop')).toBe('fail');
    const failing = results.findings.filter((f) => f.id.startsWith('image-attributions/sanity-'));
    expect(failing.map((f) => f.id.slice('image-attributions/sanity-'.length)).sort()).toEqual([...verdicts].filter(([, v]) => v === 'fail').map(([m]) => m).sort());
    for (const f of failing) {
      expect(f.severity).toBe('medium');
      expect(f.value).toBeGreaterThanOrEqual(0.4);
      const steps = f.evidence.steps as { test: string }[];
      expect(steps.filter((r) => r.test === 'cascading')).toHaveLength(4); // logits, dense, conv2, conv1
      expect(steps.filter((r) => r.test === 'independent')).toHaveLength(4);
    }
    // Same seed, same results.
    const again = await scan(inputs, { detectors: [imageAttributions], seed: 0 });
    expect(again.detectors['image-attributions']).toEqual(results.detectors['image-attributions']);
    console.info('sanity verdicts', JSON.stringify(table!.kind === 'table' ? table!.rows.map((r) => r.slice(0, 5)) : []));
  }, 120_000);

  it('is skipped with a reason for a tabular model', async () => {
    const { loadDemoInputs } = await import('../../cli/load-demo.js');
    const { scan } = await import('../scan.js');
    const inputs = await loadDemoInputs('credit', { seed: 0 });
    const results = await scan(inputs, { detectors: [imageAttributions], seed: 0 });
    const status = results.summary.detectors[0]!;
    expect(status.status).toBe('skipped');
    expect(status).toMatchObject({ reason: expect.stringMatching(/image|differentiable/) });
  }, 60_000);
});
