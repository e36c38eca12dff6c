import { Rng } from '../../src/rng.js';
import { popcount } from '../../src/math/popcount.js';

/**
 * A cooperative game given by its full value table: table[S] = v(S) for every coalition S of m players as
 * a bit mask (bit i set = player i present). Used as an oracle for Shapley estimators: exact values by
 * enumeration, and any estimator can be run on it at a known number of evaluations.
 */
export interface TableGame {
  readonly name: string;
  readonly m: number;
  readonly table: Float64Array;
}

/** Exact Shapley values by enumerating all 2^m coalitions. */
export function exactShapleyOfTable(game: TableGame): Float64Array {
  const { m, table } = game;
  const weight = Array.from({ length: m }, (_, s) => 1 / (m * binomial(m - 1, s)));
  const phi = new Float64Array(m);
  for (let s = 0; s < 1 << m; s++) {
    const w = weight[popcount(s)]!;
    for (let i = 0; i < m; i++) if (!(s & (1 << i))) phi[i]! += w * (table[s | (1 << i)]! - table[s]!);
  }
  return phi;
}

/**
 * The interventional game of a model at x over a background: v(S) = mean_b f(x_S, b_S̄) for S ⊆ players
 * (features outside `players` keep x's value). `predict` maps row-major rows to one output per row.
 * Values are rounded to float32, as a float32 model would return them.
 */
export async function interventionalGame(args: {
  readonly name: string;
  readonly x: Float64Array;
  readonly background: readonly Float64Array[];
  readonly players: readonly number[];
  readonly predict: (rows: Float64Array, nRows: number) => Promise<ArrayLike<number>>;
}): Promise<TableGame> {
  const { x, background, players } = args;
  const m = players.length;
  const f = x.length;
  const nb = background.length;
  const table = new Float64Array(1 << m);
  const chunk = Math.max(1, Math.floor(65536 / nb));
  for (let start = 0; start < 1 << m; start += chunk) {
    const end = Math.min(1 << m, start + chunk);
    const rows = new Float64Array((end - start) * nb * f);
    for (let s = start; s < end; s++) {
      for (let b = 0; b < nb; b++) {
        const o = ((s - start) * nb + b) * f;
        rows.set(x, o);
        for (let k = 0; k < m; k++) if (!(s & (1 << k))) rows[o + players[k]!] = background[b]![players[k]!]!;
      }
    }
    const out = await args.predict(rows, (end - start) * nb);
    for (let s = start; s < end; s++) {
      let sum = 0;
      for (let b = 0; b < nb; b++) sum += out[(s - start) * nb + b]!;
      table[s] = Math.fround(sum / nb);
    }
  }
  return { name: args.name, m, table };
}

/** A random tanh MLP with a sigmoid output on m standard-normal features, as a game at a random x. */
export function mlpGame(name: string, m: number, seed: number, hidden = 24, nBackground = 16): Promise<TableGame> {
  const rng = new Rng(seed);
  const w1 = Array.from({ length: hidden * m }, () => (1.5 * rng.normal()) / Math.sqrt(m));
  const b1 = Array.from({ length: hidden }, () => 0.3 * rng.normal());
  const w2 = Array.from({ length: hidden }, () => rng.normal() / Math.sqrt(hidden));
  const f = (r: Float64Array, o: number): number => {
    let out = 0;
    for (let h = 0; h < hidden; h++) {
      let a = b1[h]!;
      for (let j = 0; j < m; j++) a += w1[h * m + j]! * r[o + j]!;
      out += w2[h]! * Math.tanh(a);
    }
    return 1 / (1 + Math.exp(-out));
  };
  return syntheticGame(name, m, rng, nBackground, f);
}

/**
 * A random ReLU MLP (two hidden layers of `hidden` units, logistic output) on m standard-normal features,
 * as a game at a random x: piecewise-linear, unlike the tanh MLP of `mlpGame`.
 */
export function reluMlpGame(name: string, m: number, seed: number, hidden = 64, nBackground = 16): Promise<TableGame> {
  const rng = new Rng(seed);
  const w1 = Array.from({ length: hidden * m }, () => (1.4 * rng.normal()) / Math.sqrt(m));
  const b1 = Array.from({ length: hidden }, () => 0.2 * rng.normal());
  const w2 = Array.from({ length: hidden * hidden }, () => (1.4 * rng.normal()) / Math.sqrt(hidden));
  const w3 = Array.from({ length: hidden }, () => rng.normal() / Math.sqrt(hidden));
  const h1 = new Float64Array(hidden);
  const f = (r: Float64Array, o: number): number => {
    for (let h = 0; h < hidden; h++) {
      let a = b1[h]!;
      for (let j = 0; j < m; j++) a += w1[h * m + j]! * r[o + j]!;
      h1[h] = Math.max(a, 0);
    }
    let out = 0;
    for (let h = 0; h < hidden; h++) {
      let a = 0;
      for (let j = 0; j < hidden; j++) a += w2[h * hidden + j]! * h1[j]!;
      out += w3[h]! * Math.max(a, 0);
    }
    return 1 / (1 + Math.exp(-out));
  };
  return syntheticGame(name, m, rng, nBackground, f);
}

/**
 * A logistic model with strong pairwise interactions: P = σ(Σ wᵢxᵢ + Σ_{(i,j)} V_ij xᵢxⱼ) over `pairs` random
 * feature pairs with |V| about twice the main weights, as a game at a random x.
 */
export function logisticPairsGame(name: string, m: number, seed: number, pairs = 2 * m, nBackground = 16): Promise<TableGame> {
  const rng = new Rng(seed);
  const w = Array.from({ length: m }, () => (0.8 * rng.normal()) / Math.sqrt(m));
  const terms = Array.from({ length: pairs }, () => {
    const i = rng.int(m);
    const j = (i + 1 + rng.int(m - 1)) % m;
    return { i, j, v: (1.6 * rng.normal()) / Math.sqrt(m) };
  });
  const f = (r: Float64Array, o: number): number => {
    let z = 0;
    for (let j = 0; j < m; j++) z += w[j]! * r[o + j]!;
    for (const t of terms) z += t.v * r[o + t.i]! * r[o + t.j]!;
    return 1 / (1 + Math.exp(-z));
  };
  return syntheticGame(name, m, rng, nBackground, f);
}

/** A sum of random axis-aligned regression trees (random features and thresholds) as a game. */
export function treeGame(name: string, m: number, seed: number, trees = 30, depth = 5, nBackground = 16): Promise<TableGame> {
  const rng = new Rng(seed);
  type Node = number | { feature: number; threshold: number; left: Node; right: Node };
  const grow = (d: number): Node => (d === 0 ? 0.3 * rng.normal() : { feature: rng.int(m), threshold: 0.7 * rng.normal(), left: grow(d - 1), right: grow(d - 1) });
  const forest = Array.from({ length: trees }, () => grow(depth));
  const walk = (node: Node, r: Float64Array, o: number): number => (typeof node === 'number' ? node : walk(r[o + node.feature]! < node.threshold ? node.left : node.right, r, o));
  return syntheticGame(name, m, rng, nBackground, (r, o) => forest.reduce<number>((s, t) => s + walk(t, r, o), 0));
}

function syntheticGame(name: string, m: number, rng: Rng, nBackground: number, f: (rows: Float64Array, offset: number) => number): Promise<TableGame> {
  const x = Float64Array.from({ length: m }, () => rng.normal());
  const background = Array.from({ length: nBackground }, () => Float64Array.from({ length: m }, () => rng.normal()));
  const players = Array.from({ length: m }, (_, i) => i);
  return interventionalGame({ name, x, background, players, predict: async (rows, n) => Float64Array.from({ length: n }, (_, r) => f(rows, r * m)) });
}

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}


export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
