/**
 * Encoders turn raw tabular rows into the model's input vector.
 *
 * Raw rows travel as a `RawMatrix`: n × F float64, one column per raw feature in feature order, where a
 * numeric feature holds its value and a categorical feature holds its category code (NaN = missing).
 * This "ordinal-coded" form is what tree models consume directly and what explainers perturb: a raw
 * feature is one player, however many model inputs it expands to.
 */
export interface RawMatrix {
  readonly data: Float64Array;
  readonly nRows: number;
  readonly nFeatures: number;
}

export interface EncodedFeature {
  readonly name: string;
  readonly type: 'numeric' | 'categorical';
  readonly categories?: readonly string[];
  /** First model-input column this feature occupies, and how many. */
  readonly offset: number;
  readonly width: number;
}

export interface Encoder {
  readonly features: readonly EncodedFeature[];
  /** Width of the encoded vector (the model's input size). */
  readonly outputWidth: number;
  /** Encodes rows into `out` (allocated when omitted); returns n × outputWidth float32. */
  encode(raw: RawMatrix, out?: Float32Array): Float32Array;
}

/** Model-input column → raw feature index, for reporting per raw feature. */
export function inputToFeatureIndex(encoder: Encoder): Int32Array {
  const map = new Int32Array(encoder.outputWidth).fill(-1);
  encoder.features.forEach((feature, index) => {
    for (let k = 0; k < feature.width; k++) map[feature.offset + k] = index;
  });
  return map;
}
