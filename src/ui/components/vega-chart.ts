import { LitElement, css, html, type PropertyValues } from 'lit';
import type { Result, VisualizationSpec } from 'vega-embed';

/** Vega is most of the bundle: it loads on the first chart, so the table paints without waiting for it. */
const vega = () => Promise.all([import('vega-embed'), import('vega-interpreter')]).then(([embed, interpreter]) => ({ embed: embed.default, expressionInterpreter: interpreter.expressionInterpreter }));

/**
 * A Vega-Lite chart. Expressions run through vega-interpreter (`ast: true`), never `new Function`, and
 * vega-embed's style sheet is off, so the server's Content-Security-Policy (no eval, no inline style) holds.
 */
export class VegaChart extends LitElement {
  static override properties = { spec: { attribute: false }, label: { type: String } };

  declare spec: VisualizationSpec | undefined;
  declare label: string;
  #result: Result | undefined;
  #generation = 0;

  constructor() {
    super();
    this.label = 'chart';
  }

  static override styles = css`
    :host {
      display: block;
    }
    .chart {
      min-height: 40px;
    }
  `;

  protected override async updated(changed: PropertyValues<this>): Promise<void> {
    if (!changed.has('spec')) return;
    const generation = ++this.#generation;
    this.#result?.finalize();
    this.#result = undefined;
    const target = this.renderRoot.querySelector('.chart') as HTMLElement;
    if (!this.spec) return;
    const { embed, expressionInterpreter } = await vega();
    if (generation !== this.#generation) return;
    const result = await embed(target, this.spec, {
      actions: false,
      renderer: 'svg',
      ast: true,
      expr: expressionInterpreter,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    });
    if (generation !== this.#generation) result.finalize();
    else this.#result = result;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#result?.finalize();
  }

  override render() {
    return html`<div class="chart" role="img" aria-label=${this.label}></div>`;
  }
}

customElements.define('gb-vega-chart', VegaChart);
