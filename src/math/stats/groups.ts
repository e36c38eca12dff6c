/**
 * Group codes shared by the slice and fairness analyses: a grouping assigns each row a group code
 * (-1 = no group) with one label per code.
 */
export interface Grouping {
  readonly name: string;
  readonly codes: Int32Array;
  readonly labels: readonly string[];
  /** For binned numeric columns: the inner edges that define the groups. */
  readonly edges?: readonly number[];
}

/**
 * Intersection of groupings: one group per combination of labels that occurs, labelled "a|b", ordered by
 * the parts' codes (so the result does not depend on row order); -1 when any part is -1.
 * The name joins the parts' names with "_x_".
 */
export function intersectGroupings(parts: readonly Grouping[]): Grouping {
  const n = parts[0]?.codes.length ?? 0;
  const radix = parts.map((g) => Math.max(1, g.labels.length));
  const present = new Map<number, number[]>();
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let key = 0;
    for (let j = 0; j < parts.length; j++) {
      const c = parts[j]!.codes[i]!;
      if (c < 0) {
        key = -1;
        break;
      }
      key = key * radix[j]! + c;
    }
    keys[i] = key;
    if (key >= 0 && !present.has(key)) present.set(key, parts.map((g) => g.codes[i]!));
  }
  const sorted = [...present.keys()].sort((a, b) => a - b);
  const index = new Map(sorted.map((k, r) => [k, r]));
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) codes[i] = keys[i]! < 0 ? -1 : index.get(keys[i]!)!;
  const labels = sorted.map((k) => present.get(k)!.map((c, j) => parts[j]!.labels[c] ?? String(c)).join('|'));
  return { name: parts.map((g) => g.name).join('_x_'), codes, labels };
}
