import { throwIfAborted } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import type { Pipeline } from '../model/pipeline.js';

/** Predicts raw rows in batches of `batchRows` with one reused encode buffer; n × outputWidth float32. */
export async function predictRawBatched(pipe: Pipeline, raw: RawMatrix, signal?: AbortSignal, batchRows = 8192): Promise<Float32Array> {
  const width = pipe.model.outputWidth;
  const inWidth = pipe.encoder.outputWidth;
  const out = new Float32Array(raw.nRows * width);
  const buffer = new Float32Array(Math.min(batchRows, raw.nRows) * inWidth);
  for (let start = 0; start < raw.nRows; start += batchRows) {
    throwIfAborted(signal);
    const end = Math.min(raw.nRows, start + batchRows);
    const chunk: RawMatrix = { data: raw.data.subarray(start * raw.nFeatures, end * raw.nFeatures), nRows: end - start, nFeatures: raw.nFeatures };
    const encoded = pipe.encoder.encode(chunk, buffer.subarray(0, chunk.nRows * inWidth));
    out.set(await pipe.model.predict({ data: encoded, shape: [chunk.nRows, inWidth] }, signal ? { signal } : undefined), start * width);
  }
  return out;
}

export function featureNames(pipe: Pipeline): string[] {
  return pipe.encoder.features.map((f) => f.name);
}
