import type { BackwardContext, Bounds, BoundGraph, Window } from './bound-graph.js';
import { clearWindow, widenWindow } from './window.js';

/**
 * Back-substitution for CROWN (Zhang et al. 2018): a linear function of one node's output is pushed
 * back through each op's relaxation to the input, then minimised over the input box. One row at a
 * time: every node has one coefficient buffer that stays zero outside its window, so a convolution
 * row costs its receptive field, not the whole layer.
 */
export class BackwardEngine {
  private readonly buffers: Float64Array[];
  private readonly windows: Window[];
  private readonly active: Uint8Array;
  private readonly contexts: BackwardContext[];

  constructor(
    private readonly graph: BoundGraph,
    /** The current bounds of every node (node 0: the input box); read by ReLU and MaxPool relaxations. */
    private readonly bounds: readonly Bounds[],
  ) {
    this.buffers = graph.nodes.map((n) => new Float64Array(n.size));
    this.windows = graph.nodes.map(() => ({ h0: 0, h1: 0, w0: 0, w1: 0 }));
    this.active = new Uint8Array(graph.nodes.length);
    this.contexts = graph.nodes.map((_, k) => this.context(k));
  }

  /** The start node's buffer, to be filled with a row's coefficients inside `win` before `lowerBound`. */
  row(start: number, win: Window): Float64Array {
    const w = this.windows[start]!;
    w.h0 = win.h0;
    w.h1 = win.h1;
    w.w0 = win.w0;
    w.w1 = win.w1;
    this.active[start] = 1;
    return this.buffers[start]!;
  }

  /** A lower bound of Σ a·node[start] over the input box, for the row set with `row`; clears the buffers. */
  lowerBound(start: number): number {
    const { nodes } = this.graph;
    let bias = 0;
    for (let k = start; k >= 1; k--) {
      if (!this.active[k]) continue;
      const node = nodes[k]!;
      const a = this.buffers[k]!;
      const win = this.windows[k]!;
      bias += node.rule!.backward(a, win, this.contexts[k]!);
      clearWindow(a, node.shape, win);
      this.active[k] = 0;
    }
    if (this.active[0]) bias += this.concretize();
    return bias;
  }

  private concretize(): number {
    const input = this.graph.nodes[0]!;
    const a = this.buffers[0]!;
    const win = this.windows[0]!;
    const { lower, upper } = this.bounds[0]!;
    const [channels, height, width] = input.shape;
    let sum = 0;
    for (let c = 0; c < channels; c++) {
      for (let h = win.h0; h < win.h1; h++) {
        const row = (c * height + h) * width;
        for (let i = row + win.w0; i < row + win.w1; i++) {
          const coef = a[i]!;
          if (coef > 0) sum += coef * lower[i]!;
          else if (coef < 0) sum += coef * upper[i]!;
        }
      }
    }
    clearWindow(a, input.shape, win);
    this.active[0] = 0;
    return sum;
  }

  private context(k: number): BackwardContext {
    const inputs = this.graph.nodes[k]!.inputs;
    return {
      inputBounds: (slot) => this.bounds[inputs[slot]!]!,
      target: (slot, win) => {
        const id = inputs[slot]!;
        const w = this.windows[id]!;
        if (this.active[id]) widenWindow(w, win);
        else {
          w.h0 = win.h0;
          w.h1 = win.h1;
          w.w0 = win.w0;
          w.w1 = win.w1;
          this.active[id] = 1;
        }
        return this.buffers[id]!;
      },
    };
  }
}
