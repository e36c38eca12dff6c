import { kernelShap, type KernelShapOptions } from '../../src/explain/kernel-shap.js';
import { pipeline } from '../../src/model/pipeline.js';
import { fnModel, rawMatrix, tinyEncoder } from '../conformance/fixtures.js';
import type { TableGame } from './shapley-games.js';

/**
 * Runs glassbox's public `kernelShap` on a table game: x = all ones, one background row of zeros, and a
 * model that reads the row as the coalition's bit mask and returns its value — so the masker's rows are
 * exactly the coalitions, and the explainer's model evaluations are the game's.
 */
export async function kernelShapOnTable(game: TableGame, options: KernelShapOptions): Promise<{ values: Float64Array; stderr: Float64Array; samples: number; adjusted: number }> {
  const { m, table } = game;
  const model = fnModel(m, 1, (row) => {
    let s = 0;
    for (let i = 0; i < m; i++) if (row[i] === 1) s |= 1 << i;
    return [table[s]!];
  });
  const encoder = tinyEncoder(Array.from({ length: m }, (_, i) => ({ name: `p${i}`, type: 'numeric' as const })));
  const a = await kernelShap(options).explain(pipeline(model, encoder), rawMatrix([new Array<number>(m).fill(1)]), { background: rawMatrix([new Array<number>(m).fill(0)]) });
  const extras = a.extras as { samples?: number[]; adjusted?: number[] } | undefined;
  return { values: Float64Array.from(a.values), stderr: Float64Array.from(a.stderr ?? []), samples: extras?.samples?.[0] ?? 0, adjusted: extras?.adjusted?.[0] ?? 0 };
}
