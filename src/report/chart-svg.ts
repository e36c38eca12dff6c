import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

type LoggerInterface = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/**
 * Renders a Vega-Lite spec to a standalone SVG string in Node, without a DOM, so the HTML report
 * holds its charts inline and opens offline.
 */
export async function vegaLiteToSvg(spec: Readonly<Record<string, unknown>>): Promise<string> {
  const compiled = compile(spec as unknown as TopLevelSpec, { logger: silentLogger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Vega-Lite's compile-time advice goes nowhere: a report must not print to the user's terminal. */
const silentLogger: LoggerInterface = {
  level(this: LoggerInterface, _level?: number): never {
    return this as never;
  },
  error: () => silentLogger,
  warn: () => silentLogger,
  info: () => silentLogger,
  debug: () => silentLogger,
} as unknown as LoggerInterface;
