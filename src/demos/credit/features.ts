import type { Rng } from '../../rng.js';
import { poisson } from '../../math/poisson.js';

/** Category lists, sorted by code point (the order schema inference would give when read from a file). */
export const CREDIT_CATEGORIES = {
  gender: ['female', 'male'],
  employment: ['employed', 'retired', 'self_employed', 'student', 'unemployed'],
  home_ownership: ['mortgage', 'own', 'rent'],
  purpose: ['business', 'car', 'debt_consolidation', 'education', 'home_improvement', 'other'],
  marketing_channel: ['branch', 'online', 'partner', 'phone'],
  region: ['central', 'east', 'north', 'south', 'west'],
  application_month: Array.from({ length: 24 }, (_, m) => `${2023 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`),
} as const;

/** Raw applicant attributes, one typed array per column (categoricals as codes into CREDIT_CATEGORIES). */
export interface CreditFeatures {
  readonly n: number;
  readonly age: Float64Array;
  readonly gender: Int32Array;
  readonly employment: Int32Array;
  readonly income: Float64Array;
  readonly loan_amount: Float64Array;
  readonly loan_term_months: Float64Array;
  readonly debt_to_income: Float64Array;
  readonly credit_history_years: Float64Array;
  readonly num_late_payments: Float64Array;
  readonly home_ownership: Int32Array;
  readonly purpose: Int32Array;
  readonly marketing_channel: Int32Array;
  readonly region: Int32Array;
  readonly application_month: Int32Array;
}

const EMP = { employed: 0, retired: 1, self_employed: 2, student: 3, unemployed: 4 } as const;
const BASE_INCOME = [48, 30, 52, 12, 14];
const TERMS = [12, 24, 36, 48, 60];

/** Draws an index from unnormalised weights. */
function pick(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = rng.next() * total;
  for (let k = 0; k < weights.length; k++) {
    u -= weights[k]!;
    if (u < 0) return k;
  }
  return weights.length - 1;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function employmentFor(rng: Rng, age: number): number {
  // weights in EMP order: employed, retired, self_employed, student, unemployed
  if (age < 25) return pick(rng, [0.38, 0, 0.32, 0.24, 0.06]);
  if (age >= 62) return pick(rng, [0.2, 0.7, 0.1, 0, 0]);
  return pick(rng, [0.7, 0.02, 0.17, 0.02, 0.09]);
}

function purposeFor(rng: Rng, employment: number): number {
  // business, car, debt_consolidation, education, home_improvement, other
  if (employment === EMP.student) return pick(rng, [0.02, 0.2, 0.1, 0.55, 0.03, 0.1]);
  if (employment === EMP.self_employed) return pick(rng, [0.4, 0.15, 0.15, 0.05, 0.15, 0.1]);
  return pick(rng, [0.05, 0.3, 0.25, 0.05, 0.25, 0.1]);
}

function homeFor(rng: Rng, age: number): number {
  // mortgage, own, rent
  if (age < 25) return pick(rng, [0.05, 0.05, 0.9]);
  if (age >= 55) return pick(rng, [0.3, 0.55, 0.15]);
  return pick(rng, [0.45, 0.15, 0.4]);
}

/** Samples `n` applicants. Only `rng` is consumed, so labels and plants never change these values. */
export function sampleCreditFeatures(rng: Rng, n: number): CreditFeatures {
  const f: CreditFeatures = {
    n,
    age: new Float64Array(n),
    gender: new Int32Array(n),
    employment: new Int32Array(n),
    income: new Float64Array(n),
    loan_amount: new Float64Array(n),
    loan_term_months: new Float64Array(n),
    debt_to_income: new Float64Array(n),
    credit_history_years: new Float64Array(n),
    num_late_payments: new Float64Array(n),
    home_ownership: new Int32Array(n),
    purpose: new Int32Array(n),
    marketing_channel: new Int32Array(n),
    region: new Int32Array(n),
    application_month: new Int32Array(n),
  };
  for (let i = 0; i < n; i++) {
    const age = 18 + Math.floor(57 * rng.next() ** 1.4);
    const employment = employmentFor(rng, age);
    const ageFactor = 1 + 0.012 * (Math.min(age, 55) - 30);
    const income = Math.max(4, BASE_INCOME[employment]! * ageFactor * Math.exp(0.45 * rng.normal()));
    const dti = Math.min(1.2, Math.max(0, 0.3 + 0.14 * rng.normal()));
    f.age[i] = age;
    f.gender[i] = rng.next() < 0.45 ? 0 : 1;
    f.employment[i] = employment;
    f.income[i] = round(income, 1);
    f.loan_amount[i] = round(Math.exp(Math.log(6) + 0.6 * rng.normal()) + 0.12 * income, 1);
    f.loan_term_months[i] = TERMS[rng.int(TERMS.length)]!;
    f.debt_to_income[i] = round(dti, 3);
    f.credit_history_years[i] = round(Math.min(age - 18, Math.abs(0.45 * (age - 18) + 3 * rng.normal())), 1);
    f.num_late_payments[i] = poisson(0.35 + (dti > 0.45 ? 1.1 : 0), rng);
    f.home_ownership[i] = homeFor(rng, age);
    f.purpose[i] = purposeFor(rng, employment);
    f.marketing_channel[i] = rng.int(CREDIT_CATEGORIES.marketing_channel.length);
    f.region[i] = rng.int(CREDIT_CATEGORIES.region.length);
    f.application_month[i] = rng.int(CREDIT_CATEGORIES.application_month.length);
  }
  return f;
}

const EMPLOYMENT_EFFECT = [0, 0.3, -0.2, -0.4, -1.3];
const HOME_EFFECT = [0.2, 0.45, 0];

/**
 * The true (unbiased) log-odds of repaying, before any planted bias: income, debt-to-income, late
 * payments, credit history, loan-to-income, term, employment and home ownership matter; gender,
 * marketing_channel, region and application_month do not.
 */
export function creditScore(f: CreditFeatures, i: number): number {
  const income = f.income[i]!;
  const loanToIncome = f.loan_amount[i]! / income;
  return (
    1.3 +
    1.5 * Math.log(income / 40) -
    4 * (f.debt_to_income[i]! - 0.3) -
    0.9 * f.num_late_payments[i]! +
    0.07 * Math.min(f.credit_history_years[i]!, 20) -
    1.2 * (loanToIncome - 0.3) -
    0.012 * (f.loan_term_months[i]! - 36) +
    EMPLOYMENT_EFFECT[f.employment[i]!]! +
    HOME_EFFECT[f.home_ownership[i]!]!
  );
}
