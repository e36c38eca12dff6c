import { GlassboxError, isGlassboxError } from '../errors.js';

/**
 * A malformed CSV row as DuckDB's reader reports it ("CSV Error on Line: 2501 … Expected Number of
 * Columns: 16 Found: 17"), turned into an error that names the file, its line and what is wrong.
 * DuckDB's line numbers count every line of the file from 1, header included, so they are file
 * lines, not data row ids; the message says so. Returns undefined for any other error.
 */
export function malformedCsvRow(path: string, error: unknown): GlassboxError | undefined {
  if (isGlassboxError(error) || !(error instanceof Error)) return undefined;
  const text = error.message;
  const line = /CSV Error on Line:\s*(\d+)/i.exec(text);
  if (!line) return undefined;
  const lineNumber = Number(line[1]);
  const original = /Original Line:\s*([^\n]*)/.exec(text)?.[1] ?? '';
  const shown = original.length > 100 ? `${original.slice(0, 100)}…` : original;
  const problem = describeProblem(text);
  return new GlassboxError('invalid_input', `${path}, file line ${lineNumber} (the header is line 1): ${problem.what}.${shown ? ` The line starts ${JSON.stringify(shown)}.` : ''}`, {
    file: path,
    line: lineNumber,
    ...(problem.expected === undefined ? {} : { expectedFields: problem.expected, foundFields: problem.found }),
    hint: problem.hint,
  }, { cause: error });
}

function describeProblem(text: string): { what: string; hint: string; expected?: number; found?: number } {
  const columns = /Expected Number of Columns:\s*(\d+)\s*Found:\s*(\d+)/i.exec(text);
  if (columns) {
    const expected = Number(columns[1]);
    const found = Number(columns[2]);
    return {
      what: `the row has ${found} field${found === 1 ? '' : 's'} but the header has ${expected}`,
      hint: found > expected
        ? 'Quote values that contain the delimiter ("a, b"), or remove the extra fields; every row needs as many fields as the header.'
        : 'Fill in the missing fields (an empty field counts as missing), or remove the truncated line.',
      expected,
      found,
    };
  }
  if (/unterminated quote/i.test(text)) {
    return {
      what: 'a value opens a double quote that is never closed',
      hint: 'Close the quote, or double a quote that belongs inside a value ("say ""hi""").',
    };
  }
  if (/unicode|utf-?8/i.test(text)) return { what: 'the line is not valid UTF-8 text', hint: 'Save the file as UTF-8.' };
  const first = text.split('\n').map((s) => s.trim()).find((s) => s && !/^(Invalid Input Error|Original Line|Possible fixes|\*)/.test(s) && !/CSV Error on Line/i.test(s));
  return { what: first ? first.replace(/\.$/, '') : 'the line cannot be parsed', hint: 'Check the quoting and the number of fields on that line.' };
}

/**
 * Reads the whole file and returns the first record whose field count differs from `expected`, or
 * whose quote is never closed, as an error naming its file line. Used when DuckDB's sniffer gave up
 * on the file (it then reads it as one column), so the user sees the bad line instead of a guess
 * about the delimiter. Quote-aware: a quoted value may span lines.
 */
export function firstMalformedRecord(path: string, text: string, delimiter: string, expected: number): GlassboxError | undefined {
  let line = 1;
  let recordLine = 1;
  let fields = 1;
  let quoted = false;
  let empty = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      quoted = !quoted;
      empty = false;
    } else if (ch === '\n') {
      line++;
      if (quoted) continue;
      if (!empty && fields !== expected) return fieldCountError(path, recordLine, fields, expected, text);
      fields = 1;
      empty = true;
      recordLine = line;
    } else if (ch === delimiter && !quoted) {
      fields++;
      empty = false;
    } else if (ch !== '\r') {
      empty = false;
    }
  }
  if (quoted) {
    // quotes after the opening one pair up wrongly, so the record that never ends is the culprit
    return new GlassboxError('invalid_input', `${path}, file line ${recordLine} (the header is line 1): a value opens a double quote that is never closed, so the rest of the file reads as one value.`, {
      file: path,
      line: recordLine,
      hint: 'Close the quote, or double a quote that belongs inside a value ("say ""hi""").',
    });
  }
  return !empty && fields !== expected ? fieldCountError(path, recordLine, fields, expected, text) : undefined;
}

function fieldCountError(path: string, line: number, found: number, expected: number, text: string): GlassboxError {
  const start = nthLineStart(text, line);
  const end = text.indexOf('\n', start);
  const original = text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
  const message = `CSV Error on Line: ${line}\nOriginal Line: ${original}\nExpected Number of Columns: ${expected} Found: ${found}`;
  return malformedCsvRow(path, new Error(message))!;
}

function nthLineStart(text: string, line: number): number {
  let at = 0;
  for (let k = 1; k < line; k++) at = text.indexOf('\n', at) + 1;
  return at;
}
