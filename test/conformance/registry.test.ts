import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explainerNames, explainerRegistry } from '../../src/index.js';
import type { ExplainerName } from '../../src/index.js';
import { REPO_ROOT } from '../support/reference.js';
import { explainerConformance } from './explainer-conformance.js';
import type { ConformanceCase } from './explainer-conformance.js';
import { convGradientKind, denseGradientKind, imageKind, tabularKind, textKind, treeKind, withoutGradients } from './input-kinds.js';

/**
 * The shared explainer conformance suite, run for every factory in src/explain/registry.ts with the
 * fixture of its input kind (test/conformance/input-kinds.ts). An entry without a case fails to
 * typecheck; skipping one needs a written reason ({ skip: '…' }), and none is skipped today.
 */

const run = <S, X>(c: ConformanceCase<S, X>): (() => void) => () => explainerConformance(c);

const tab = tabularKind();
const tabular = { subject: () => tab.pipe, input: tab.x, rows: tab.x.nRows, row: tab.row, perRowShape: [5], context: { background: tab.background } } as const;
const tree = treeKind();
const treeCase = { subject: () => tree.model, input: tree.x, rows: 5, row: tree.row, perRowShape: [4], without: () => ({ task: tree.model.task, classes: tree.model.classes, inputSpec: tree.model.inputSpec, outputWidth: tree.model.outputWidth, predict: tree.model.predict.bind(tree.model) }) };
const img = imageKind();
const dense = denseGradientKind();
const denseCase = { subject: dense.model, input: dense.x, rows: 5, row: dense.row, perRowShape: [4], context: { target: dense.target }, without: withoutGradients, tolerance: 1e-6 };
const conv = convGradientKind();
const convCase = { subject: conv.model, input: conv.x, rows: 3, row: conv.row, context: { target: conv.target }, without: withoutGradients, tolerance: 1e-6 };
const text = textKind();
const textCase = { subject: () => text.classifier, input: text.docs, rows: 3, row: text.row, perRowShape: [3], context: { target: 1 } } as const;
const { exactShapley, kernelShap, permutationShapley, occlusion, limeTabular, treeShap, limeImage, imageOcclusion, saliency, inputXGradient, guidedBackprop, integratedGradients, smoothGrad, expectedGradients, gradCam, guidedGradCam, layerAttribution, limeText, textOcclusion } = Object.fromEntries(
  Object.entries(explainerRegistry).map(([name, entry]) => [name, entry.factory]),
) as unknown as { [K in ExplainerName]: (typeof explainerRegistry)[K]['factory'] };

const cases: Record<ExplainerName, readonly (() => void)[] | { readonly skip: string }> = {
  exactShapley: [run({ ...tabular, name: 'exactShapley', make: () => exactShapley() })],
  kernelShap: [
    run({ ...tabular, name: 'kernelShap (full enumeration)', make: (seed) => kernelShap({ seed }) }),
    run({ ...tabular, name: 'kernelShap (sampled, 3 players)', make: (seed) => kernelShap({ seed, samples: 4 }), context: { background: tab.background, features: [0, 2, 3] }, perRowShape: [3] }),
    run({ ...tabular, name: 'kernelShap (per-row targets)', make: (seed) => kernelShap({ seed, samples: 10 }), context: { background: tab.background, target: Int32Array.from([0, 1, 1, 0]) } }),
  ],
  permutationShapley: [run({ ...tabular, name: 'permutationShapley', make: (seed) => permutationShapley({ seed, permutations: 3 }) })],
  occlusion: [
    run({ ...tabular, name: 'occlusion (background)', make: () => occlusion() }),
    run({ ...tabular, name: 'occlusion (fixed baseline)', make: () => occlusion({ baseline: [0, 0, 0, 0, 0] }), context: {} }),
  ],
  limeTabular: [run({ ...tabular, name: 'limeTabular', make: (seed) => limeTabular({ seed, samples: 300 }) })],
  treeShap: [
    run({ ...treeCase, name: 'treeShap (path-dependent)', make: () => treeShap({ threads: 1 }) }),
    run({ ...treeCase, name: 'treeShap (interventional)', make: () => treeShap({ algorithm: 'interventional', threads: 1 }), context: { background: tree.x } }),
  ],
  limeImage: [run({ name: 'limeImage', make: (seed) => limeImage({ seed, samples: 60, segmentation: { method: 'slic', nSegments: 8, compactness: 10 } }), subject: () => img.model, input: img.x, rows: 2, row: img.row, perRowShape: [16, 16], context: { target: 1 } })],
  imageOcclusion: [run({ name: 'imageOcclusion', make: () => imageOcclusion({ window: [4, 4], strides: [4, 4], output: 'probabilities' }), subject: () => img.model, input: img.x, rows: 2, row: img.row, perRowShape: [3, 16, 16], context: { target: 1 } })],
  saliency: [run({ ...denseCase, name: 'saliency', make: () => saliency() })],
  inputXGradient: [run({ ...denseCase, name: 'inputXGradient', make: () => inputXGradient() })],
  guidedBackprop: [run({ ...denseCase, name: 'guidedBackprop', make: () => guidedBackprop() })],
  integratedGradients: [run({ ...denseCase, name: 'integratedGradients', make: (seed) => integratedGradients({ seed, steps: 64 }) })],
  smoothGrad: [run({ ...denseCase, name: 'smoothGrad', make: (seed) => smoothGrad({ seed, samples: 4 }) })],
  // Expected gradients is complete only in expectation (see its TSDoc): per draw only where the gradient
  // is constant along the paths, so its case runs on the linear (Gemm-only) model of the same shape.
  expectedGradients: [run({ ...denseCase, subject: dense.linear, name: 'expectedGradients', make: (seed) => expectedGradients({ seed, samples: 4 }), context: { target: dense.target, background: dense.row(dense.x, 2) } })],
  layerAttribution: [run({ ...denseCase, name: 'layerAttribution', make: () => layerAttribution({ layer: 't' }), perRowShape: [6] })],
  gradCam: [run({ ...convCase, name: 'gradCam', make: () => gradCam({ layer: 'conv' }), perRowShape: [1, 8, 8] })],
  guidedGradCam: [run({ ...convCase, name: 'guidedGradCam', make: () => guidedGradCam({ layer: 'conv' }), perRowShape: [1, 8, 8] })],
  limeText: [run({ ...textCase, name: 'limeText', make: (seed) => limeText({ seed, samples: 200 }) })],
  textOcclusion: [run({ ...textCase, name: 'textOcclusion', make: () => textOcclusion() })],
};

for (const name of explainerNames) {
  const c = cases[name];
  if ('skip' in c) describe.skip(`conformance: ${name} — skipped: ${c.skip}`, () => undefined);
  else for (const define of c) define();
}

describe('the explainer registry', () => {
  it('lists every explainer factory under src/explain/, and the suite has a case or a written reason for each', () => {
    const factories: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/^export function (\w+)\([^)]*\): Explainer</gm)) factories.push(m[1]!);
        }
      }
    };
    walk(join(REPO_ROOT, 'src/explain'));
    expect(factories.length).toBeGreaterThanOrEqual(19);
    expect([...factories].sort()).toEqual([...explainerNames].sort());
    for (const name of explainerNames) {
      const c = cases[name];
      if ('skip' in c) expect(c.skip.trim().length).toBeGreaterThan(10);
      else expect(c.length).toBeGreaterThan(0);
    }
  });
});
