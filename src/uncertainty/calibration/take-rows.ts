/** The given rows of a row-major n × k matrix, as float64. */
export function takeMatrixRows(values: ArrayLike<number>, k: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * k);
  for (let j = 0; j < rows.length; j++) for (let c = 0; c < k; c++) out[j * k + c] = values[rows[j]! * k + c]!;
  return out;
}
