import { GlassboxError } from '../../errors.js';

/** An error about one declared test: names the test and the field, and says how to fix it. */
export function testError(test: { readonly name: string }, field: string, problem: string, hint: string): GlassboxError {
  return new GlassboxError('invalid_input', `Test "${test.name}", field ${field}: ${problem}`, { argument: '--tests', test: test.name, field, hint });
}

/** The index of a feature by name, or an error listing the features of the right type. */
export function featureIndex(test: { readonly name: string }, field: string, name: string, features: readonly { name: string; type: string }[], type: 'numeric' | 'categorical'): number {
  const j = features.findIndex((f) => f.name === name);
  const ofType = features.filter((f) => f.type === type).map((f) => f.name);
  if (j < 0) throw testError(test, field, `"${name}" is not a feature of the model.`, `${type} features: ${ofType.join(', ') || '(none)'}.`);
  if (features[j]!.type !== type) throw testError(test, field, `"${name}" is ${features[j]!.type}, not ${type}.`, `${type} features: ${ofType.join(', ') || '(none)'}.`);
  return j;
}
