/**
 * A Vega-Lite scatter of a 2-D projection: one point per row, coloured by a category (label, prediction,
 * error) when given, with the row id in the tooltip. Only the first two coordinates are drawn.
 */
export function projectionScatterSpec(coordinates: Float64Array, components: number, rowIds: ArrayLike<number>, options: { readonly color?: readonly string[]; readonly colorTitle?: string; readonly axisTitle?: string } = {}): Record<string, unknown> {
  const n = rowIds.length;
  const values = Array.from({ length: n }, (_, i) => ({
    x: round(coordinates[i * components]!),
    y: components > 1 ? round(coordinates[i * components + 1]!) : 0,
    row: rowIds[i]!,
    ...(options.color ? { group: options.color[i]! } : {}),
  }));
  const axis = options.axisTitle ?? 'component';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 520,
    height: 420,
    data: { values },
    mark: { type: 'circle', size: 14, opacity: 0.7 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: `${axis} 1`, scale: { zero: false } },
      y: { field: 'y', type: 'quantitative', title: `${axis} 2`, scale: { zero: false } },
      ...(options.color ? { color: { field: 'group', type: 'nominal', title: options.colorTitle ?? 'group' } } : {}),
      tooltip: [{ field: 'row', type: 'quantitative', title: 'row' }, ...(options.color ? [{ field: 'group', type: 'nominal', title: options.colorTitle ?? 'group' }] : [])],
    },
  };
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
