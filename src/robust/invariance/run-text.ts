import type { Rng } from '../../rng.js';
import { invarianceOutcomes, violationSummary, worstRows } from './evaluate.js';
import { textCases } from './mft-cases.js';
import { round, summarizeOutput } from './outputs.js';
import { decide } from './prediction-change.js';
import { mftResult } from './run-tabular.js';
import type { FixedTextTest, MftTest, SwapTextTest, TypoTest } from './test-file.js';
import { TEXT_PERTURBATION_DESCRIPTIONS, textVariants } from './text/perturbations.js';
import type { InvarianceTestResult, TextSubject } from './types.js';

export type TextInvTest = TypoTest | FixedTextTest | SwapTextTest;

/** Variants per document by default (typos, synonyms, names, locations); at most 2 for case and punctuation by construction. */
export const TEXT_DEFAULT_SAMPLES = 3;

export interface TextRun {
  readonly subject: TextSubject;
  readonly original: Float32Array;
  readonly tolerance: number;
  readonly level: number;
  readonly examples: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
}

/** Perturbed documents of an INV text test and the document each came from. */
export function perturbDocuments(test: TextInvTest, documents: readonly string[], rng: Rng): { texts: string[]; source: Int32Array } {
  const samples = 'samples' in test ? (test.samples ?? TEXT_DEFAULT_SAMPLES) : TEXT_DEFAULT_SAMPLES;
  const typos = 'typos' in test ? (test.typos ?? 1) : 1;
  const texts: string[] = [];
  const source: number[] = [];
  documents.forEach((doc, i) => {
    for (const variant of textVariants(test.perturbation, doc, rng, { samples, typos })) {
      texts.push(variant);
      source.push(i);
    }
  });
  return { texts, source: Int32Array.from(source) };
}

/** An INV text test: every document's variants scored in one batch; a document violates if any variant flips. */
export async function runTextInv(test: TextInvTest, run: TextRun): Promise<InvarianceTestResult> {
  const { subject } = run;
  const { texts, source } = perturbDocuments(test, subject.documents, run.rng);
  const perturbed = texts.length ? await subject.predict(texts, run.signal ? { signal: run.signal } : {}) : new Float32Array(0);
  const rule = { task: subject.task, width: subject.outputWidth, tolerance: run.tolerance };
  const outcomes = invarianceOutcomes(run.original, perturbed, source, subject.documents.length, rule);
  const examples = worstRows(outcomes.violated, outcomes.change, run.examples).map((i) => {
    const k = outcomes.worst[i]!;
    const watch = subject.task === 'regression' ? undefined : decide(run.original, i, subject.outputWidth, subject.task);
    return { rowId: subject.rowIds[i]!, original: subject.documents[i]!, perturbed: texts[k]!, before: summarizeOutput(run.original, i, subject), after: summarizeOutput(perturbed, k, subject, watch), change: round(outcomes.change[i]!) };
  });
  return {
    name: test.name,
    kind: 'inv',
    perturbation: test.perturbation,
    description: test.description ?? `${TEXT_PERTURBATION_DESCRIPTIONS[test.perturbation]}. The prediction should not change.`,
    ...violationSummary(outcomes.tested, outcomes.violated, run.level),
    tolerance: run.tolerance,
    evaluations: texts.length,
    examples,
    ...(texts.length === 0 ? { note: `The perturbation applies to no audited document (${TEXT_PERTURBATION_DESCRIPTIONS[test.perturbation]}).` } : {}),
    rows: { tested: outcomes.tested, violated: outcomes.violated },
  };
}

/** A text MFT test: templates filled with their lists, each case must get the expected label. */
export async function runTextMft(test: MftTest, run: TextRun): Promise<InvarianceTestResult> {
  const cases = textCases(test, run.rng);
  const outputs = await run.subject.predict(cases.texts, run.signal ? { signal: run.signal } : {});
  return mftResult(test, run.level, run.examples, run.subject, outputs, cases.texts, 'text');
}
