import type { Tensor } from '../../model/tensor.js';
import type { ScanContext } from '../detector.js';

/** The model-input tensor of the audited rows (images/text: given; tabular: encoded), or undefined. */
export function auditedInput(c: ScanContext): Tensor | undefined {
  if (c.x) return c.x;
  if (c.pipeline && c.raw) return { data: c.pipeline.encoder.encode(c.raw), shape: [c.raw.nRows, c.pipeline.encoder.outputWidth] };
  return undefined;
}

/** The same for the training rows. */
export function trainingInput(c: ScanContext): Tensor | undefined {
  if (c.trainX) return c.trainX;
  if (c.pipeline && c.trainRaw) return { data: c.pipeline.encoder.encode(c.trainRaw), shape: [c.trainRaw.nRows, c.pipeline.encoder.outputWidth] };
  return undefined;
}
