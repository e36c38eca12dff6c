import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GlassboxError } from '../../errors.js';

const name = z.string().min(1, 'must be a non-empty string');
const tolerance = z.number().min(0, 'must be ≥ 0').optional();
const samples = (max: number) => z.number().int('must be an integer').min(1, 'must be ≥ 1').max(max, `must be ≤ ${max}`).optional();
const common = { name, description: z.string().optional(), tolerance };

const noise = z.strictObject({
  ...common,
  kind: z.literal('inv'),
  perturbation: z.literal('noise'),
  features: z.array(z.string().min(1)).min(1, 'name at least one numeric feature'),
  scale: z.number().positive('must be > 0').max(10, 'must be ≤ 10 (a fraction of the spread)').optional(),
  samples: samples(100),
  bounds: z.record(z.string(), z.tuple([z.number(), z.number()]).refine(([a, b]) => a <= b, 'must be [min, max] with min ≤ max')).optional(),
});

const categorySwap = z.strictObject({
  ...common,
  kind: z.literal('inv'),
  perturbation: z.literal('category-swap'),
  feature: z.string().min(1),
  groups: z.array(z.array(z.string()).min(2, 'an equivalence group needs at least 2 categories')).min(1, 'give at least one group'),
  samples: samples(100),
});

const typo = z.strictObject({ ...common, kind: z.literal('inv'), perturbation: z.literal('typo'), typos: z.number().int().min(1).max(10).optional(), samples: samples(20) });
const fixedText = z.strictObject({ ...common, kind: z.literal('inv'), perturbation: z.enum(['case', 'punctuation', 'contractions']) });
const swapText = z.strictObject({ ...common, kind: z.literal('inv'), perturbation: z.enum(['synonyms', 'names', 'locations']), samples: samples(20) });

const dir = z.strictObject({
  ...common,
  kind: z.literal('dir'),
  feature: z.string().min(1),
  direction: z.enum(['increasing', 'decreasing']),
  output: z.string().min(1).optional(),
  steps: z.array(z.number().positive('steps are positive amounts added to the feature')).min(1).refine((s) => s.every((v, i) => i === 0 || v > s[i - 1]!), 'steps must be strictly increasing').optional(),
});

const fillValues = z.array(z.union([z.string(), z.number()])).min(1, 'give at least one value');
const mft = z
  .strictObject({
    ...common,
    kind: z.literal('mft'),
    expected: z.string().min(1),
    templates: z.array(z.string().min(1)).min(1).optional(),
    row: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    fill: z.record(z.string(), fillValues).optional(),
    maxCases: z.number().int().min(1).max(100_000).optional(),
  })
  .refine((t) => (t.templates === undefined) !== (t.row === undefined), { message: 'give either "templates" (text) or "row" (tabular), not both or neither', path: ['templates'] });

const invariance = z.discriminatedUnion('perturbation', [noise, categorySwap, typo, fixedText, swapText]);
const testZod = z.discriminatedUnion('kind', [invariance, dir, mft]);

export const testFileZod = z.strictObject({
  version: z.literal(1).optional(),
  /** Also run the built-in default tests for the model's kind (default false when the file lists tests). */
  defaults: z.boolean().optional(),
  tests: z.array(testZod),
});

export type TestFile = z.infer<typeof testFileZod>;
export type DeclaredTest = TestFile['tests'][number];
export type NoiseTest = z.infer<typeof noise>;
export type CategorySwapTest = z.infer<typeof categorySwap>;
export type TypoTest = z.infer<typeof typo>;
export type FixedTextTest = z.infer<typeof fixedText>;
export type SwapTextTest = z.infer<typeof swapText>;
export type DirTest = z.infer<typeof dir>;
export type MftTest = z.infer<typeof mft>;
export type InvTest = NoiseTest | CategorySwapTest | TypoTest | FixedTextTest | SwapTextTest;

/** "tests[3] ("income noise"), field steps[0]" for an issue path into the file. */
function where(path: readonly PropertyKey[], json: unknown): string {
  if (path[0] !== 'tests' || typeof path[1] !== 'number') return path.length ? `field ${formatPath(path)}` : 'the file';
  const test = (json as { tests?: unknown[] }).tests?.[path[1]] as { name?: unknown } | undefined;
  const label = typeof test?.name === 'string' ? ` ("${test.name}")` : '';
  const rest = path.slice(2);
  return `test ${path[1]}${label}${rest.length ? `, field ${formatPath(rest)}` : ''}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** Zod's messages in our words: an unknown kind or perturbation names the choices. */
function message(issue: z.core.$ZodIssue): string {
  const field = issue.path.at(-1);
  if (issue.code === 'invalid_union' && field === 'kind') return 'unknown kind: use "inv", "dir" or "mft"';
  if (issue.code === 'invalid_union' && field === 'perturbation') return 'unknown perturbation: use noise, category-swap (tabular) or typo, case, punctuation, contractions, synonyms, names, locations (text)';
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

/**
 * Validates a tests file (parsed JSON) and returns it typed. Errors name the test (index and name) and
 * the field: `tests.json: test 2 ("income raises approval"), field direction: …`. Test names must be
 * unique. Whether features, categories and labels exist is checked against the model's inputs later
 * (see checkTests).
 */
export function parseTestFile(json: unknown, source = 'tests file'): TestFile {
  const parsed = testFileZod.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${where(i.path, json)}: ${message(i)}`);
    throw new GlassboxError('invalid_input', `${source}: ${issues.join('; ')}.`, { file: source, count: parsed.error.issues.length, issues, hint: 'See "Invariance tests" in docs/robustness.md for the test-file format.' });
  }
  const names = parsed.data.tests.map((t) => t.name);
  const duplicate = names.findIndex((n, i) => names.indexOf(n) !== i);
  if (duplicate >= 0) {
    throw new GlassboxError('invalid_input', `${source}: test ${duplicate} ("${names[duplicate]}"), field name: another test has the same name; names identify tests in the results.`, { file: source, hint: 'Give each test its own name.' });
  }
  return parsed.data;
}

/** Reads and validates a tests file from disk. */
export function loadTestFile(path: string): TestFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new GlassboxError('invalid_input', `Cannot read the tests file ${path}: ${(cause as Error).message}`, { file: path, hint: 'Give a JSON file {"tests": [...]} (see docs/robustness.md).' }, { cause });
  }
  return parseTestFile(json, path);
}
