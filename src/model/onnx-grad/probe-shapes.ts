import type { OnnxInterpreter } from './interpreter.js';

/**
 * Shapes of every tensor of the graph at batch size 2, from one interpreter run on zeros. The
 * backward compiler reads non-batch dimensions from them (broadcast axes, window sizes, channels).
 * Undefined when the input has a dimension other than the batch that is not fixed.
 */
export function probeShapes(interpreter: OnnxInterpreter, inputName: string, inputDims: readonly (number | null)[]): Map<string, readonly number[]> | undefined {
  const rest = inputDims.slice(1);
  if (rest.some((d) => d === null || d <= 0)) return undefined;
  const tf = interpreter.tf;
  const shape = [2, ...(rest as number[])];
  const names = interpreter.tensorNames;
  const shapes = new Map<string, readonly number[]>([[inputName, shape]]);
  tf.tidy(() => {
    const x = tf.zeros(shape, 'float32');
    const values = interpreter.run({ [inputName]: x }, { outputs: names });
    for (const [name, t] of values) shapes.set(name, t.shape);
  });
  for (const [name, host] of interpreter.constants) if (!shapes.has(name)) shapes.set(name, host.shape);
  return shapes;
}
