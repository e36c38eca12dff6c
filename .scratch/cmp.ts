import { demographicParityInterval as oldI } from './old-interval.js';
import { demographicParityInterval as newI } from '../src/scan/detectors/disparity-interval.js';
import { fairnessSummary } from '../src/fairness/group-metrics.js';
import { Rng } from '../src/rng.js';
for (const k of [2, 3, 5]) {
  const rng = new Rng(k);
  const n = 500;
  const codes = Int32Array.from({ length: n }, () => (rng.next() < 0.05 ? -1 : rng.int(k)));
  const labels = ['a', 'b', 'c', 'd', 'e'].slice(0, k);
  const dec = Uint8Array.from(codes, (g) => (rng.next() < 0.3 + 0.1 * g ? 1 : 0));
  const y = Uint8Array.from(codes, () => (rng.next() < 0.5 ? 1 : 0));
  const g = { name: 'g', codes, labels };
  const s = fairnessSummary(g, y, dec);
  const a = JSON.stringify(oldI(s, codes, dec, { level: 0.95, seed: 3 }));
  const b = JSON.stringify(newI(g, dec, { level: 0.95, seed: 3 }));
  console.log(k, a === b, a === b ? '' : `${a}\n${b}`);
}
