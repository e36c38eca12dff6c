import type { InputWarning } from '../encode/resolve-encoding.js';

/** Prints input warnings to stderr (commands without a report show them there; scan also writes them to results.json). */
export function printInputWarnings(warnings: readonly InputWarning[] | undefined): void {
  for (const w of warnings ?? []) process.stderr.write(`warning[${w.code}]: ${w.message}\n`);
}
