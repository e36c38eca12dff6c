import { corruptImages } from './src/robust/corruptions/corrupt.js';
const n = 4;
const d = new Float32Array(n * 3 * 224 * 224); for (let i = 0; i < d.length; i++) d[i] = ((i * 7919) % 1000) / 1000;
for (const s of [1, 2, 3, 4, 5] as const) {
  const t = performance.now();
  await corruptImages({ data: d, shape: [n, 3, 224, 224] }, 'elastic_transform', s, { seed: 1 });
  console.log(s, ((performance.now() - t) / n).toFixed(1), 'ms/img');
}
