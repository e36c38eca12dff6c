import type { RawMatrix } from '../../src/encode/encoder.js';
import { exactShapley } from '../../src/explain/exact-shapley.js';
import { kernelShap } from '../../src/explain/kernel-shap.js';
import { occlusion } from '../../src/explain/occlusion.js';
import { permutationShapley } from '../../src/explain/permutation-shapley.js';
import { limeTabular } from '../../src/explain/lime/tabular.js';
import { explainerConformance } from './explainer-conformance.js';
import { mixedFixture } from './fixtures.js';

const { pipe, x, background } = mixedFixture(2);
const row = (m: RawMatrix, i: number): RawMatrix => ({ data: m.data.slice(i * m.nFeatures, (i + 1) * m.nFeatures), nRows: 1, nFeatures: m.nFeatures });
const base = { subject: () => pipe, input: x, rows: x.nRows, row, perRowShape: [5] } as const;

explainerConformance({ ...base, name: 'exact-shapley', make: () => exactShapley(), context: { background } });
explainerConformance({ ...base, name: 'kernel-shap (full enumeration)', make: (seed) => kernelShap({ seed }), context: { background } });
explainerConformance({ ...base, name: 'kernel-shap (sampled, 3 players)', make: (seed) => kernelShap({ seed, samples: 4 }), context: { background, features: [0, 2, 3] }, perRowShape: [3] });
explainerConformance({ ...base, name: 'kernel-shap (per-row targets)', make: (seed) => kernelShap({ seed, samples: 10 }), context: { background, target: Int32Array.from([0, 1, 1, 0]) } });
explainerConformance({ ...base, name: 'lime (tabular)', make: (seed) => limeTabular({ seed, samples: 300 }), context: { background } });
explainerConformance({ ...base, name: 'permutation-shapley', make: (seed) => permutationShapley({ seed, permutations: 3 }), context: { background } });
explainerConformance({ ...base, name: 'occlusion (background)', make: () => occlusion(), context: { background } });
explainerConformance({ ...base, name: 'occlusion (fixed baseline)', make: () => occlusion({ baseline: [0, 0, 0, 0, 0] }), context: {} });
