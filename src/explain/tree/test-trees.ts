import { SPLIT_OP, TreeEnsembleBuilder } from '../../model/trees/ir.js';
import type { TreeEnsemble, TreeLink } from '../../model/trees/ir.js';
import type { Rng } from '../../rng.js';

/** A node of a hand-written tree: a leaf value, or a split "x[f] < t" with children and covers. */
export type HandNode = { leaf: number; cover: number } | { f: number; t: number; cover: number; l: HandNode; r: HandNode; defaultLeft?: boolean };

/** Builds an ensemble from hand-written trees (test fixtures for axioms and brute-force oracles). */
export function handEnsemble(trees: readonly HandNode[], nFeatures: number, options: { link?: TreeLink; base?: number } = {}): TreeEnsemble {
  const b = new TreeEnsembleBuilder();
  for (const tree of trees) {
    b.beginTree(0);
    const place = (node: HandNode): number => {
      const id = b.allocate(1);
      b.setCover(id, node.cover);
      if ('leaf' in node) {
        b.setLeaf(id, node.leaf);
        return id;
      }
      const l = place(node.l);
      const r = place(node.r);
      b.setSplit(id, { feature: node.f, threshold: node.t, op: SPLIT_OP.LT, left: l, right: r, defaultLeft: node.defaultLeft ?? true, gain: 1 });
      return id;
    };
    place(tree);
  }
  const link = options.link ?? 'identity';
  return b.finish({
    format: 'manual',
    nFeatures,
    featureNames: Array.from({ length: nFeatures }, (_, j) => `x${j}`),
    nGroups: 1,
    objective: 'manual',
    link,
    task: link === 'logistic' ? 'binary' : 'regression',
    classes: link === 'logistic' ? ['0', '1'] : [],
    baseMargin: Float64Array.of(options.base ?? 0),
    inputPrecision: 'float64',
    accumulate: 'float64',
  });
}

/** A random tree of the given depth over nFeatures features with integer thresholds in 0..3 and random covers. */
export function randomTree(rng: Rng, depth: number, nFeatures: number, cover = 100): HandNode {
  if (depth === 0 || rng.next() < 0.15) return { leaf: Math.round((rng.next() * 2 - 1) * 100) / 10, cover };
  const share = 0.2 + 0.6 * rng.next();
  const lc = Math.max(1, Math.round(cover * share));
  const rc = Math.max(1, cover - lc);
  return { f: Math.floor(rng.next() * nFeatures), t: 1 + Math.floor(rng.next() * 3), cover: lc + rc, l: randomTree(rng, depth - 1, nFeatures, lc), r: randomTree(rng, depth - 1, nFeatures, rc) };
}
