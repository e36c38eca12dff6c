import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { GlassboxError } from '../errors.js';
import { firstMalformedRecord } from './csv-errors.js';

const CANDIDATES = [',', ';', '\t', '|'] as const;
const HEAD_BYTES = 64 * 1024;
const SAMPLE_LINES = 21;

function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

/** The first lines of a text file (at most 64 KiB read), without a trailing partial line. */
export function headLines(path: string): string[] {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    const text = buffer.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    const lines = text.split(/\r?\n/);
    if (n === HEAD_BYTES) lines.pop();
    return lines.filter((line) => line.trim() !== '').slice(0, SAMPLE_LINES);
  } finally {
    closeSync(fd);
  }
}

/** Fields in one CSV line under `delimiter`, ignoring delimiters inside double quotes. */
export function fieldCount(line: string, delimiter: string): number {
  let count = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

/** A delimiter that splits every sampled line into the same number (≥ 2) of fields, if any. */
function consistentDelimiter(lines: readonly string[]): { delimiter: string; fields: number } | undefined {
  for (const d of CANDIDATES) {
    const counts = lines.map((line) => fieldCount(line, d));
    const first = counts[0] ?? 1;
    if (first >= 2 && counts.every((c) => c === first)) return { delimiter: d, fields: first };
  }
  return undefined;
}

/** Throws `invalid_input` when the file holds nothing but blank lines. */
export function checkNotBlank(path: string, lines: readonly string[]): void {
  if (lines.length === 0) {
    throw new GlassboxError('invalid_input', `The data file ${path} holds no text (only blank lines).`, {
      file: path,
      count: 0,
      hint: 'Export the data again; a table needs a header line and at least one data row.',
    });
  }
}

/**
 * Detects a wrong delimiter: the file was read as a single column, or the delimiter in use splits the lines
 * inconsistently while another one splits them all the same way. Returns the error to throw, if any.
 */
export function delimiterProblem(
  path: string,
  lines: readonly string[],
  columnsRead: number | undefined,
  delimiter: string | undefined,
): GlassboxError | undefined {
  const used = delimiter ?? ',';
  const usedCounts = lines.map((line) => fieldCount(line, used));
  const usedConsistent = usedCounts.every((c) => c === usedCounts[0]);
  const singleColumn = columnsRead === 1;
  const suspicious = singleColumn || ((columnsRead === undefined || delimiter !== undefined) && !usedConsistent);
  if (!suspicious) return undefined;
  const better = consistentDelimiter(lines);
  if (!better && singleColumn) return raggedProblem(path, lines, delimiter);
  if (better && singleColumn) {
    // DuckDB's sniffer reads a file as one column when a line it sampled is malformed: name that line
    const malformed = firstMalformedRecord(path, readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), better.delimiter, better.fields);
    if (malformed) return malformed;
  }
  if (!better || (better.delimiter === used && !singleColumn)) return undefined;
  const how = singleColumn
    ? `was read as a single column (${JSON.stringify(lines[0]?.slice(0, 60) ?? '')}…)`
    : `does not split consistently on ${delimiterName(used)} (fields per line: ${usedCounts.slice(0, 5).join(', ')}…)`;
  return new GlassboxError(
    'invalid_input',
    `Wrong delimiter for ${path}: the file ${how}, but every sampled line splits into ${better.fields} fields on ${delimiterName(better.delimiter)}.`,
    {
      file: path,
      count: lines.length,
      delimiter: used,
      suggested: better.delimiter,
      hint: `Pass the delimiter explicitly: loadTable(path, { delimiter: ${JSON.stringify(better.delimiter)} }) or --delimiter ${JSON.stringify(better.delimiter)}.`,
    },
  );
}

/** Lines whose field count differs from the header's under the delimiter the header suggests. */
function raggedProblem(path: string, lines: readonly string[], delimiter: string | undefined): GlassboxError | undefined {
  const header = lines[0] ?? '';
  const d = delimiter ?? CANDIDATES.find((c) => fieldCount(header, c) >= 2);
  if (d === undefined) return undefined;
  const expected = fieldCount(header, d);
  if (expected < 2) return undefined;
  // lines[0] is the header (file line 1); blank lines were dropped from the sample, so this counts non-blank lines
  const bad = lines.map((line, i) => ({ line: i + 1, fields: fieldCount(line, d) })).filter((l) => l.line > 1 && l.fields !== expected);
  if (bad.length === 0) return undefined;
  const examples = bad.slice(0, 3).map((b) => `line ${b.line} has ${b.fields}`).join(', ');
  return new GlassboxError(
    'invalid_input',
    `Rows of ${path} have different numbers of fields: the header has ${expected} on ${delimiterName(d)} but ${bad.length} of the first ${lines.length - 1} rows do not (file ${examples}; the header is line 1).`,
    {
      file: path,
      count: bad.length,
      lines: bad.slice(0, 3).map((b) => b.line),
      hint: 'Quote values that contain the delimiter ("a, b"), and give every row the same number of fields.',
    },
  );
}
