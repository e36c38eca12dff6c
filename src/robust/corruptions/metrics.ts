/**
 * Corruption error as Hendrycks & Dietterich (2019) define it. E(s, c) is the top-1 error under
 * corruption c at severity s; with a baseline model B (AlexNet in the paper):
 *   CE_c = Σ_s E_f(s, c) / Σ_s E_B(s, c),  relative CE_c = Σ_s (E_f(s, c) − E_f,clean) / Σ_s (E_B(s, c) − E_B,clean),
 * and mCE / relative mCE are their means over corruptions. Without a baseline, CE_c is the
 * unnormalised mean error over the severities run, Σ_s E_f(s, c) / |S|, and mCE its mean.
 * A ratio with a zero denominator is null.
 */
export interface CorruptionError {
  readonly name: string;
  readonly ce: number | null;
  readonly relativeCe: number | null;
}

export function corruptionErrors(
  names: readonly string[],
  errors: (name: string) => readonly number[],
  clean: number,
  baseline?: { readonly errors: (name: string) => readonly number[]; readonly clean: number },
): { perCorruption: CorruptionError[]; mCE: number | null; relativeMCE: number | null; normalised: boolean } {
  const sum = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0);
  const perCorruption = names.map((name) => {
    const e = errors(name);
    if (!baseline) return { name, ce: sum(e) / e.length, relativeCe: null };
    const b = baseline.errors(name);
    const denominator = sum(b);
    const relativeDenominator = sum(b.map((v) => v - baseline.clean));
    return {
      name,
      ce: denominator > 0 ? sum(e) / denominator : null,
      relativeCe: relativeDenominator !== 0 ? sum(e.map((v) => v - clean)) / relativeDenominator : null,
    };
  });
  const mean = (values: readonly (number | null)[]): number | null => (values.length > 0 && values.every((v) => v !== null) ? sum(values as number[]) / values.length : null);
  return { perCorruption, mCE: mean(perCorruption.map((c) => c.ce)), relativeMCE: baseline ? mean(perCorruption.map((c) => c.relativeCe)) : null, normalised: baseline !== undefined };
}
