import type { Shape3, Window } from './bound-graph.js';

/** Widens `into` to also cover `win` (the bounding rectangle of both). */
export function widenWindow(into: Window, win: Window): void {
  if (win.h0 < into.h0) into.h0 = win.h0;
  if (win.h1 > into.h1) into.h1 = win.h1;
  if (win.w0 < into.w0) into.w0 = win.w0;
  if (win.w1 > into.w1) into.w1 = win.w1;
}

/**
 * The input rectangle a sliding-window op (conv, pooling) reads when producing the output rectangle
 * `win`: rows `oh·stride − padTop + k·dilation` for k < kernel, clipped to the input. Written into `out`
 * when given (the engine copies a target window, so a rule may reuse one scratch object).
 */
export function receptiveWindow(
  win: Window,
  input: Shape3,
  kernel: readonly [number, number],
  stride: readonly [number, number],
  padBegin: readonly [number, number],
  dilation: readonly [number, number],
  out: Window = { h0: 0, h1: 0, w0: 0, w1: 0 },
): Window {
  const h0 = win.h0 * stride[0] - padBegin[0];
  const h1 = (win.h1 - 1) * stride[0] - padBegin[0] + (kernel[0] - 1) * dilation[0] + 1;
  const w0 = win.w0 * stride[1] - padBegin[1];
  const w1 = (win.w1 - 1) * stride[1] - padBegin[1] + (kernel[1] - 1) * dilation[1] + 1;
  out.h0 = Math.max(0, h0);
  out.h1 = Math.min(input[1], h1);
  out.w0 = Math.max(0, w0);
  out.w1 = Math.min(input[2], w1);
  return out;
}

/** Zeroes a buffer inside a window (all channels), restoring the all-zero state the engine relies on. */
export function clearWindow(buf: Float64Array, shape: Shape3, win: Window): void {
  const [channels, height, width] = shape;
  for (let c = 0; c < channels; c++) {
    for (let h = win.h0; h < win.h1; h++) {
      const row = (c * height + h) * width;
      buf.fill(0, row + win.w0, row + win.w1);
    }
  }
}
