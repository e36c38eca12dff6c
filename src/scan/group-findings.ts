import type { Finding, RelatedFinding, Relation } from '../results/finding.js';

/** A finding with the audited rows it is about (1 = in), when it concerns a subset of rows. */
export interface FindingRows {
  readonly finding: Finding;
  readonly rows?: Uint8Array;
}

/**
 * Findings about the same rows are one finding. Among findings whose row sets are equal, or exact
 * complements within the audited rows (`audited[i] = 1`), the first — the most severe, when the input
 * is sorted by severity — keeps its place and the others move into its `related` list with their
 * metrics, so "income ≥ 88.5" is one finding that is a weak slice and over-confident, and its complement
 * "income < 88.5" is shown inside it rather than as a separate claim. Findings without rows stay as they are.
 */
export function groupFindings(items: readonly FindingRows[], audited: Uint8Array): Finding[] {
  const leaders: { finding: Finding; rows: Uint8Array | undefined; related: RelatedFinding[] }[] = [];
  for (const { finding, rows } of items) {
    const match = rows ? findLeader(leaders, rows, audited) : undefined;
    if (!match) {
      leaders.push({ finding, rows, related: [...(finding.related ?? [])] });
      continue;
    }
    const { leader, relation } = match;
    leader.related.push(asRelated(finding, relation, leader.finding, count(rows!, audited)));
    leader.related.push(...(finding.related ?? []));
  }
  return leaders.map(({ finding, related }) => (related.length ? { ...finding, related } : finding));
}

function findLeader(leaders: readonly { finding: Finding; rows: Uint8Array | undefined }[], rows: Uint8Array, audited: Uint8Array): { leader: (typeof leaders)[number] & { related: RelatedFinding[] }; relation: Relation } | undefined {
  for (const leader of leaders) {
    if (!leader.rows) continue;
    const relation = compareRows(leader.rows, rows, audited);
    if (relation) return { leader: leader as (typeof leaders)[number] & { related: RelatedFinding[] }, relation };
  }
  return undefined;
}

/** 'same-rows' when the sets agree on every audited row, 'complement' when they disagree on every one. */
export function compareRows(a: Uint8Array, b: Uint8Array, audited: Uint8Array): Relation | undefined {
  if (a.length !== b.length) return undefined;
  let same = true;
  let opposite = true;
  for (let i = 0; i < a.length && (same || opposite); i++) {
    if (!audited[i]) continue;
    const x = a[i] ? 1 : 0;
    const y = b[i] ? 1 : 0;
    if (x === y) opposite = false;
    else same = false;
  }
  return same ? 'same-rows' : opposite ? 'complement' : undefined;
}

function count(rows: Uint8Array, audited: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) if (rows[i] && audited[i]) n++;
  return n;
}

function asRelated(f: Finding, relation: Relation, leader: Finding, n: number): RelatedFinding {
  const reason = relation === 'same-rows' ? `about the same ${n} rows as "${leader.title}"` : `about the other ${n} rows: the complement of "${leader.title}"`;
  return {
    id: f.id,
    detector: f.detector,
    severity: f.severity,
    title: f.title,
    summary: f.summary,
    metric: f.metric,
    value: f.value,
    ...(f.baseline !== undefined ? { baseline: f.baseline } : {}),
    ...(f.interval ? { interval: f.interval } : {}),
    relation,
    reason,
  };
}
