import type { Shape3 } from '../bound-graph.js';

/** Geometry shared by convolution and pooling: kernel, stride, padding and dilation over H and W. */
export interface SlidingGeometry {
  readonly input: Shape3;
  readonly output: Shape3;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** Padding before the first row and column (top, left). */
  readonly padBegin: readonly [number, number];
  readonly dilation: readonly [number, number];
}

/** Output extent of a sliding window (ONNX/PyTorch formula; `ceil` for ceil_mode pooling). */
export function slidingExtent(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil = false): number {
  const span = size + padBegin + padEnd - dilation * (kernel - 1) - 1;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}
