import { BackwardEngine } from './backward-engine.js';
import { emptyBounds, type Bounds, type BoundGraph, type Window } from './bound-graph.js';

/** `ibp`: interval bounds; `crown`: CROWN with CROWN intermediate bounds; `crown-ibp`: CROWN on IBP intermediate bounds. */
export type BoundMethod = 'ibp' | 'crown' | 'crown-ibp';

/** Which nodes get CROWN intermediate bounds, and whether stable neurons may be skipped. */
export interface CrownPlan {
  /**
   * Per node: 0 = interval bounds suffice; 1 = CROWN on unstable neurons only; 2 = on every neuron the
   * interval bounds do not prove dead (u ≤ 0); 3 = on every neuron.
   */
  readonly mode: Uint8Array;
}

/**
 * A node needs tight bounds when a relaxed op (ReLU, MaxPool) reads it. When only ReLUs read it, a
 * neuron the interval bounds prove dead is 0 whatever its bounds, so it is skipped; when moreover only
 * linear ops read those ReLUs, every stable neuron is skipped (as auto_LiRPA does with unstable_idx).
 */
export function crownPlan(graph: BoundGraph): CrownPlan {
  const consumers: number[][] = graph.nodes.map(() => []);
  for (const node of graph.nodes) for (const input of node.inputs) consumers[input]!.push(node.id);
  const mode = new Uint8Array(graph.nodes.length);
  const box = boxNodes(graph);
  for (const node of graph.nodes) {
    if (node.id === 0 || node.id === graph.output || node.rule?.nonlinear) continue;
    // a linear op on a box (e.g. the first convolution) has exact interval bounds already
    if (node.inputs.every((i) => box[i])) continue;
    const readers = consumers[node.id]!.map((id) => graph.nodes[id]!);
    if (!readers.some((r) => r.rule?.nonlinear)) continue;
    const relus = readers.every((r) => r.rule?.op === 'Relu');
    const thenLinear = relus && readers.every((r) => consumers[r.id]!.every((c) => !graph.nodes[c]!.rule?.nonlinear));
    mode[node.id] = thenLinear ? 1 : relus ? 2 : 3;
  }
  return { mode };
}

/** Nodes whose set of values is exactly their interval bounds: the input and box-preserving ops on it. */
function boxNodes(graph: BoundGraph): Uint8Array {
  const box = new Uint8Array(graph.nodes.length);
  box[0] = 1;
  for (const node of graph.nodes) {
    if (node.id > 0 && node.rule!.boxPreserving && node.inputs.every((i) => box[i])) box[node.id] = 1;
  }
  return box;
}

export interface OutputBounds {
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Lower bounds of logit[label] − logit[j] for each j (NaN at j = label); undefined without a label. */
  readonly margins?: Float64Array;
}

/** Bounds of every node from an input box, by interval propagation, optionally tightened by CROWN. */
export function propagateBounds(graph: BoundGraph, box: Bounds, method: BoundMethod, plan: CrownPlan, label?: number): OutputBounds {
  const bounds: Bounds[] = graph.nodes.map((n, i) => (i === 0 ? box : emptyBounds(n.size)));
  const engine = method === 'ibp' ? undefined : new BackwardEngine(graph, bounds);
  for (let k = 1; k < graph.nodes.length; k++) {
    const node = graph.nodes[k]!;
    node.rule!.ibp(node.inputs.map((i) => bounds[i]!), bounds[k]!);
    if (engine && method === 'crown' && plan.mode[k]) tightenNode(engine, graph, k, bounds[k]!, plan.mode[k]!);
  }
  const out = bounds[graph.output]!;
  if (!engine) return { lower: out.lower, upper: out.upper, ...(label === undefined ? {} : { margins: intervalMargins(out, label) }) };
  const size = graph.nodes[graph.output]!.size;
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    lower[i] = unitBound(engine, graph, graph.output, i, 1);
    upper[i] = -unitBound(engine, graph, graph.output, i, -1);
  }
  return { lower, upper, ...(label === undefined ? {} : { margins: crownMargins(engine, graph, label) }) };
}

function tightenNode(engine: BackwardEngine, graph: BoundGraph, k: number, b: Bounds, mode: number): void {
  for (let i = 0; i < b.lower.length; i++) {
    if (mode <= 2 && b.upper[i]! <= 0) continue;
    if (mode === 1 && b.lower[i]! >= 0) continue;
    const lo = unitBound(engine, graph, k, i, 1);
    const hi = -unitBound(engine, graph, k, i, -1);
    // both bounds are sound, so their intersection is too
    if (lo > b.lower[i]!) b.lower[i] = lo;
    if (hi < b.upper[i]!) b.upper[i] = hi;
  }
}

const unitWindow: Window = { h0: 0, h1: 0, w0: 0, w1: 0 };

/** Lower bound of sign·node[k][i]. */
function unitBound(engine: BackwardEngine, graph: BoundGraph, k: number, i: number, sign: number): number {
  const [, height, width] = graph.nodes[k]!.shape;
  unitWindow.h0 = Math.floor(i / width) % height;
  unitWindow.h1 = unitWindow.h0 + 1;
  unitWindow.w0 = i % width;
  unitWindow.w1 = unitWindow.w0 + 1;
  engine.row(k, unitWindow)[i] = sign;
  return engine.lowerBound(k);
}

/** CROWN with a margin specification (auto_LiRPA's C matrix with rows e_y − e_j). */
function crownMargins(engine: BackwardEngine, graph: BoundGraph, label: number): Float64Array {
  const node = graph.nodes[graph.output]!;
  const margins = new Float64Array(node.size).fill(Number.NaN);
  for (let j = 0; j < node.size; j++) {
    if (j === label) continue;
    const [, height, width] = node.shape;
    const row = engine.row(graph.output, { h0: 0, h1: height, w0: 0, w1: width });
    row[label] = 1;
    row[j] = -1;
    margins[j] = engine.lowerBound(graph.output);
  }
  return margins;
}

/** IBP margins: lower[label] − upper[j]. */
function intervalMargins(out: Bounds, label: number): Float64Array {
  const margins = new Float64Array(out.lower.length).fill(Number.NaN);
  for (let j = 0; j < margins.length; j++) if (j !== label) margins[j] = out.lower[label]! - out.upper[j]!;
  return margins;
}
