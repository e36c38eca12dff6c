import type * as ort from 'onnxruntime-node';

/**
 * Session options shared by the adapter, the gradient engine and the benchmark's bare loop. The
 * intra-op pool does not spin between runs: explainers do JS work (sampling, accumulating) between
 * model calls, and a spinning pool thread would take the core that work (or its worker) needs.
 */
export function onnxSessionOptions(threads?: number): ort.InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    interOpNumThreads: 1,
    ...(threads !== undefined ? { intraOpNumThreads: threads } : {}),
    extra: { session: { intra_op: { allow_spinning: process.env.GLASSBOX_ORT_SPIN === '1' ? '1' : '0' } } },
  };
}
