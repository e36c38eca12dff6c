/** `word` written in the case pattern of `model`: UPPER, Capitalised or lower. */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase()) return word.toUpperCase();
  const first = model[0] ?? '';
  if (first !== first.toLowerCase()) return word[0]!.toUpperCase() + word.slice(1);
  return word.toLowerCase();
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A whole-word pattern for any of `words` (longest first, so "New York" wins over "York"). */
export function wordPattern(words: readonly string[], flags: string): RegExp {
  const sorted = [...words].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return new RegExp(`(?<![\\p{L}\\p{N}'])(${sorted.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, `${flags}u`);
}
