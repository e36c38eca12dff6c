import { describe, expect, it } from 'vitest';
import type { ScanResults } from '../results/schema.js';
import { renderJunit } from './junit.js';

type Finding = ScanResults['findings'][number];

const finding = (id: string, detector: string, severity: Finding['severity']): Finding => ({
  id, detector, severity, title: `${severity} ${id}`, summary: 's', metric: 'm', value: 1, examples: [], evidence: {}, suggestion: '', reproduce: '',
});

const results = {
  summary: {
    findings: 4,
    bySeverity: {},
    maxSeverity: 'high',
    detectors: [
      { id: 'a', title: 'A', status: 'ran' },
      { id: 'b', title: 'B', status: 'ran' },
      { id: 'c', title: 'C', status: 'skipped', reason: 'no protected attributes' },
    ],
  },
  findings: [finding('1', 'a', 'high'), finding('2', 'a', 'low'), finding('3', 'b', 'medium'), finding('4', 'b', 'info')],
} as unknown as ScanResults;

const failures = (xml: string): number => Number(/failures="(\d+)"/.exec(xml)![1]);

describe('renderJunit agrees with --fail-on', () => {
  it('fails nothing when --fail-on is none (the CLI default, which exits 0)', () => {
    const xml = renderJunit(results, 'none');
    expect(failures(xml)).toBe(0);
    expect(xml).not.toContain('<failure');
    // the findings stay visible, below the threshold
    expect(xml).toContain('<system-out>[high] high 1\n[low] low 2</system-out>');
  });

  it('fails exactly the detectors with a finding at or above the threshold', () => {
    expect(failures(renderJunit(results, 'high'))).toBe(1);
    expect(failures(renderJunit(results, 'medium'))).toBe(2);
    expect(failures(renderJunit(results, 'critical'))).toBe(0);
    const medium = renderJunit(results, 'medium');
    expect(medium.match(/<failure /g)).toHaveLength(2);
    expect(medium).toContain('<system-out>[low] low 2</system-out>');
    expect(medium).toContain('skipped="1"');
  });
});
