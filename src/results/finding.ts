import type { Predicate } from '../data/predicate.js';

/** How serious a finding is; `--fail-on` compares against this order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}


export interface Interval {
  readonly low: number;
  readonly high: number;
  readonly level: number;
  readonly method: string;
}

/** How a finding folded into another relates to it. */
/** 'same-test': the same test at another setting (e.g. another corruption of the same family). */
export type Relation = 'same-rows' | 'complement' | 'intersection' | 'same-test';

/**
 * A finding shown inside another because it is about the same rows (or their complement), or because it
 * is an intersection that only restates its parent attribute's disparity. Its metric sits beside the
 * parent's; it is not counted as a finding of its own.
 */
/** The headline of a finding: what is measured, its value and interval. Shared by findings and folded ones. */
export interface FindingHeadline {
  readonly id: string;
  readonly detector: string;
  readonly severity: Severity;
  readonly title: string;
  readonly summary: string;
  readonly metric: string;
  readonly value: number;
  readonly baseline?: number;
  readonly interval?: Interval;
}

export interface RelatedFinding extends FindingHeadline {
  readonly relation: Relation;
  /** Why it was folded in (e.g. "not significantly worse than sex = Female alone"). */
  readonly reason: string;
}

/** What a scan reports. Every number carries the evidence that produced it. */
export interface Finding extends FindingHeadline {
  readonly slice?: readonly Predicate[];
  /** Row ids of example rows. */
  readonly examples: readonly number[];
  /** Sample sizes, p-values, seeds, … */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly suggestion: string;
  /** A command or call that reproduces the finding. */
  readonly reproduce: string;
  /** Findings about the same rows, their complement, or intersections that add nothing beyond this one. */
  readonly related?: readonly RelatedFinding[];
}
