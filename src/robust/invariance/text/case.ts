/**
 * Case changes: the whole text in lower case and in upper case (variants equal to the text are left
 * out). Only letters change; every character keeps its place.
 */
export function caseVariants(text: string): string[] {
  const out = new Set([text.toLowerCase(), text.toUpperCase()]);
  out.delete(text);
  // toUpperCase may change the length ("ß" → "SS"): keep only variants that keep every position
  return [...out].filter((v) => v.length === text.length);
}
