/** Modified Gram–Schmidt on the columns of a row-major rows × cols matrix (twice, for stability). */
export function orthonormalColumns(a: Float64Array, rows: number, cols: number): Float64Array {
  const q = Float64Array.from(a);
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < cols; c++) {
      for (let p = 0; p < c; p++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += q[r * cols + p]! * q[r * cols + c]!;
        for (let r = 0; r < rows; r++) q[r * cols + c]! -= dot * q[r * cols + p]!;
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += q[r * cols + c]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let r = 0; r < rows; r++) q[r * cols + c]! /= norm;
    }
  }
  return q;
}
