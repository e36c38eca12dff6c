import type * as ort from 'onnxruntime-node';
import { encodeSmallGraph, type SmallGraphNode } from './onnx-small-graph.js';
import { onnxSessionOptions } from './onnx-session-options.js';

/** The three squared Frobenius norms linear CKA needs, of the column-centred n × dx and n × dy matrices. */
export interface CenteredGramNorms {
  /** ‖Ycᵀ Xc‖²_F */
  readonly xy: number;
  /** ‖Xcᵀ Xc‖²_F */
  readonly xx: number;
  /** ‖Ycᵀ Yc‖²_F */
  readonly yy: number;
}

/** Column blocks of at least 128 columns, at most 4, sizes differing by at most one. */
export function columnBlocks(d: number): number[] {
  const count = Math.max(1, Math.min(4, Math.floor(d / 128)));
  return Array.from({ length: count }, (_, b) => Math.floor(d / count) + (b < d % count ? 1 : 0));
}

/**
 * One graph for fixed widths dx, dy: centre each column (subtract ReduceMean over rows), form the Gram
 * products with Gemm (transA) and reduce each to its squared Frobenius norm. The products run in
 * onnxruntime's MLAS sgemm on its thread pool, in float32, so large activation matrices never pass
 * through a JS loop. XcᵀXc is symmetric: with Xc split into column blocks B₁…B_k, ‖XcᵀXc‖² =
 * Σ_i ‖BᵢᵀBᵢ‖² + 2 Σ_{i<j} ‖BᵢᵀBⱼ‖², so only the k(k+1)/2 upper blocks are multiplied (10 of 16 for
 * k = 4), the saving a BLAS syrk makes.
 */
export function gramGraph(dx: number, dy: number): Uint8Array {
  const nodes: SmallGraphNode[] = [];
  const outputs: string[] = ['xy'];
  const centre = (input: 'X' | 'Y'): string => {
    nodes.push({ opType: 'ReduceMean', inputs: [input], outputs: [`m${input}`], ints: { axes: [0], keepdims: 1 } });
    nodes.push({ opType: 'Sub', inputs: [input, `m${input}`], outputs: [`${input}c`] });
    return `${input}c`;
  };
  const xc = centre('X');
  const yc = centre('Y');
  nodes.push({ opType: 'Gemm', inputs: [yc, xc], outputs: ['YX'], ints: { transA: 1 } });
  nodes.push({ opType: 'ReduceSumSquare', inputs: ['YX'], outputs: ['xy'], ints: { keepdims: 0 } });
  for (const [name, matrix, d] of [['xx', xc, dx], ['yy', yc, dy]] as const) {
    const sizes = columnBlocks(d);
    const blocks = sizes.length === 1 ? [matrix] : sizes.map((_, b) => `${matrix}_${b}`);
    if (sizes.length > 1) nodes.push({ opType: 'Split', inputs: [matrix], outputs: blocks, ints: { axis: 1, split: sizes } });
    for (let i = 0; i < blocks.length; i++) {
      for (let j = i; j < blocks.length; j++) {
        const product = `${name}_${i}_${j}`;
        nodes.push({ opType: 'Gemm', inputs: [blocks[i]!, blocks[j]!], outputs: [`${product}_gram`], ints: { transA: 1 } });
        nodes.push({ opType: 'ReduceSumSquare', inputs: [`${product}_gram`], outputs: [product], ints: { keepdims: 0 } });
        outputs.push(product);
      }
    }
  }
  return encodeSmallGraph({
    name: 'centered_gram_norms',
    opset: 11,
    inputs: [{ name: 'X', shape: ['n', dx] }, { name: 'Y', shape: ['n', dy] }],
    outputs: outputs.map((name) => ({ name, shape: [] })),
    nodes,
  });
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/**
 * The session for widths dx, dy, built once per process. onnxruntime itself is imported here, not when
 * this module loads: a caller that starts reading its matrices first and then calls this (see prepareCka)
 * loads the engine and builds the session while the files are read.
 */
export function gramSession(dx: number, dy: number): Promise<ort.InferenceSession> {
  const key = `${dx}x${dy}`;
  let session = sessions.get(key);
  if (!session) {
    session = import('onnxruntime-node').then((engine) => engine.InferenceSession.create(gramGraph(dx, dy), onnxSessionOptions()));
    sessions.set(key, session);
  }
  return session;
}

/**
 * ‖YcᵀXc‖², ‖XcᵀXc‖², ‖YcᵀYc‖² of two row-aligned float32 matrices (n × dx, n × dy, row-major),
 * computed by onnxruntime (see gramGraph).
 */
export async function centeredGramNorms(x: Float32Array, dx: number, y: Float32Array, dy: number): Promise<CenteredGramNorms> {
  const n = x.length / dx;
  const session = await gramSession(dx, dy);
  const { Tensor } = await import('onnxruntime-node');
  const result = await session.run({ X: new Tensor('float32', x, [n, dx]), Y: new Tensor('float32', y, [n, dy]) });
  const symmetricNorm = (name: 'xx' | 'yy'): number => {
    let sum = 0;
    for (const [output, tensor] of Object.entries(result)) {
      const [prefix, i, j] = output.split('_');
      if (prefix === name) sum += (i === j ? 1 : 2) * Number(tensor.data[0]);
    }
    return sum;
  };
  return { xy: Number(result.xy!.data[0]), xx: symmetricNorm('xx'), yy: symmetricNorm('yy') };
}
