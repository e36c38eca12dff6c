/**
 * The built-in word lists of the text perturbations. They are deliberately small and English-only:
 * enough to probe whether a model's decision hangs on a particular first name, place or word choice,
 * not a complete resource. Declare your own lists in an MFT test's `fill` for anything else.
 */

/** Common English first names, split the way CheckList's name swaps split them (a swap stays in its list). */
export const FIRST_NAMES = Object.freeze({
  female: Object.freeze(['Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen', 'Nancy', 'Lisa', 'Emily', 'Anna', 'Laura', 'Maria', 'Julia', 'Rachel', 'Emma', 'Olivia']),
  male: Object.freeze(['James', 'John', 'Robert', 'Michael', 'William', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles', 'Daniel', 'Matthew', 'Mark', 'Paul', 'Steven', 'Andrew', 'Peter', 'George', 'Kevin', 'Brian']),
});

/** Cities and countries; a swap replaces a city by a city and a country by a country. */
export const PLACES = Object.freeze({
  city: Object.freeze(['London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Chicago', 'Boston', 'Seattle', 'Toronto', 'Sydney', 'Dublin', 'Amsterdam', 'Vienna', 'Denver', 'Atlanta', 'Houston', 'Dallas', 'Miami', 'New York', 'San Francisco', 'Los Angeles']),
  country: Object.freeze(['Canada', 'Mexico', 'Brazil', 'France', 'Germany', 'Spain', 'Italy', 'Ireland', 'Japan', 'China', 'India', 'Australia', 'Nigeria', 'Kenya', 'Egypt', 'Sweden', 'Norway', 'Poland', 'Turkey', 'Argentina']),
});

/**
 * Small sets of interchangeable words (close synonyms in most contexts). A word is swapped only for a
 * member of its own set.
 */
export const SYNONYM_SETS: readonly (readonly string[])[] = Object.freeze([
  ['good', 'great', 'fine'],
  ['bad', 'poor'],
  ['big', 'large', 'huge'],
  ['small', 'little', 'tiny'],
  ['fast', 'quick', 'rapid'],
  ['buy', 'purchase'],
  ['get', 'obtain', 'receive'],
  ['help', 'assist', 'aid'],
  ['start', 'begin'],
  ['end', 'finish'],
  ['answer', 'reply', 'response'],
  ['ask', 'request'],
  ['show', 'display'],
  ['need', 'require'],
  ['want', 'wish'],
  ['use', 'utilize'],
  ['easy', 'simple'],
  ['hard', 'difficult'],
  ['happy', 'glad'],
  ['sad', 'unhappy'],
  ['often', 'frequently'],
  ['maybe', 'perhaps'],
  ['also', 'too'],
  ['about', 'regarding'],
  ['enough', 'sufficient'],
  ['job', 'work'],
  ['house', 'home'],
  ['car', 'vehicle', 'automobile'],
  ['money', 'cash', 'funds'],
  ['price', 'cost'],
  ['message', 'note'],
  ['email', 'mail'],
  ['idea', 'notion'],
  ['problem', 'issue'],
  ['mistake', 'error'],
  ['friend', 'pal'],
  ['child', 'kid'],
  ['smart', 'clever', 'bright'],
  ['rich', 'wealthy'],
  ['strange', 'odd', 'weird'],
].map((set) => Object.freeze(set)));

/**
 * English contractions and their expansions. Expanding is unambiguous; contracting uses the same pairs
 * in reverse, and only where the expansion is written out.
 */
export const CONTRACTIONS: Readonly<Record<string, string>> = Object.freeze({
  "aren't": 'are not',
  "can't": 'cannot',
  "couldn't": 'could not',
  "didn't": 'did not',
  "doesn't": 'does not',
  "don't": 'do not',
  "hadn't": 'had not',
  "hasn't": 'has not',
  "haven't": 'have not',
  "he'll": 'he will',
  "i'll": 'i will',
  "i'm": 'i am',
  "i've": 'i have',
  "isn't": 'is not',
  "it'll": 'it will',
  "let's": 'let us',
  "she'll": 'she will',
  "shouldn't": 'should not',
  "that's": 'that is',
  "there's": 'there is',
  "they'll": 'they will',
  "they're": 'they are',
  "they've": 'they have',
  "wasn't": 'was not',
  "we'll": 'we will',
  "we're": 'we are',
  "we've": 'we have',
  "weren't": 'were not',
  "what's": 'what is',
  "won't": 'will not',
  "wouldn't": 'would not',
  "you'll": 'you will',
  "you're": 'you are',
  "you've": 'you have',
});
