const TRAILING_PUNCTUATION = /[\p{P}\s]+$/u;

/** The text without its trailing punctuation (and the spaces around it). */
export function stripTrailingPunctuation(text: string): string {
  return text.replace(TRAILING_PUNCTUATION, '');
}

/**
 * Punctuation added or removed at the end of the text, as CheckList's `Perturb.punctuation` does:
 * the text with its trailing punctuation removed, and the same with a final full stop. Variants
 * equal to the text are left out; the words are unchanged.
 */
export function punctuationVariants(text: string): string[] {
  const stripped = stripTrailingPunctuation(text);
  if (stripped === '') return [];
  const out = new Set([stripped, `${stripped}.`]);
  out.delete(text);
  return [...out];
}
