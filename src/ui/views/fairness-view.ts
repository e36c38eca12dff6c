import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import type { FairnessStrategy } from '../api-types.js';
import { groupRateChart } from '../charts.js';
import '../components/vega-chart.js';
import { store } from '../store.js';
import { theme } from '../theme.js';

/** The What-If Tool's threshold strategies, and "custom" for thresholds set by hand. */
export const STRATEGIES = [
  { id: 'single', title: 'Single threshold (best accuracy)' },
  { id: 'group', title: 'Group thresholds (best accuracy per group)' },
  { id: 'demographic_parity', title: 'Demographic parity' },
  { id: 'equal_opportunity', title: 'Equal opportunity' },
  { id: 'equal_accuracy', title: 'Equal accuracy' },
  { id: 'custom', title: 'Custom (sliders)' },
] as const;

const METRICS = [
  ['selectionRate', 'selection rate'],
  ['truePositiveRate', 'true positive rate'],
  ['falsePositiveRate', 'false positive rate'],
  ['accuracy', 'accuracy'],
] as const;

/**
 * Fairness: per-group rates with their intervals for one protected attribute, a threshold slider per group
 * whose metrics update as it moves, and WIT's strategies, which set the sliders (computed by the server with
 * src/fairness's threshold code).
 */
export class FairnessView extends LitElement {
  static override properties = { attribute: { state: true }, strategy: { state: true }, result: { state: true }, error: { state: true } };
  declare attribute: string | undefined;
  declare strategy: string;
  declare result: FairnessStrategy | undefined;
  declare error: string | undefined;
  #generation = 0;

  constructor() {
    super();
    this.strategy = 'single';
  }

  static override styles = [
    theme,
    css`
      .sliders {
        display: grid;
        grid-template-columns: max-content 16rem 4rem;
        gap: 4px 10px;
        align-items: center;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    this.attribute = store.state.info?.protected[0];
    void this.#run(this.strategy);
  }

  async #run(strategy: string, thresholds?: Record<string, number>): Promise<void> {
    if (!this.attribute) return;
    const generation = ++this.#generation;
    this.strategy = strategy;
    try {
      const result = await api.fairness(strategy, this.attribute, thresholds);
      if (generation !== this.#generation) return;
      this.result = result;
      this.error = undefined;
    } catch (error) {
      if (generation === this.#generation) this.error = (error as Error).message;
    }
  }

  #slide(group: string, value: number): void {
    const thresholds = Object.fromEntries((this.result?.groups ?? []).map((g) => [g.group, g.group === group ? value : g.threshold]));
    if (this.result) this.result = { ...this.result, groups: this.result.groups.map((g) => (g.group === group ? { ...g, threshold: value } : g)) };
    void this.#run('custom', thresholds);
  }

  #chart(result: FairnessStrategy) {
    const rows = result.groups.flatMap((g) =>
      METRICS.map(([key, title]) => {
        const { value, interval } = g[key];
        return { group: g.group, metric: title, value: value ?? NaN, low: interval?.low ?? null, high: interval?.high ?? null };
      }).filter((r) => Number.isFinite(r.value)),
    );
    return groupRateChart(rows);
  }

  override render() {
    const info = store.state.info;
    if (!info?.protected.length) return html`<section class="panel"><h2>Fairness</h2><p class="hint">${info?.title ?? 'This data'} names no protected attribute (give one in the schema's "protected").</p></section>`;
    const result = this.result;
    const method = result?.groups.map((g) => g.selectionRate.interval?.method).find((m) => m);
    return html`<section class="panel" aria-labelledby="fa-title">
      <h2 id="fa-title">Fairness</h2>
      <p class="hint">Decisions at per-group thresholds on P(${info.classes[info.classes.length - 1]}). Pick a strategy or move a slider; the rates follow.</p>
      <div class="row">
        <label>Attribute
          <select @change=${(e: Event) => ((this.attribute = (e.target as HTMLSelectElement).value), void this.#run(this.strategy === 'custom' ? 'single' : this.strategy))}>
            ${info.protected.map((p) => html`<option value=${p} ?selected=${p === this.attribute}>${p}</option>`)}
          </select>
        </label>
        <label>Strategy
          <select data-testid="fairness-strategy" @change=${(e: Event) => void this.#run((e.target as HTMLSelectElement).value)}>
            ${STRATEGIES.map((s) => html`<option value=${s.id} ?selected=${s.id === this.strategy}>${s.title}</option>`)}
          </select>
        </label>
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${result
        ? html`<h3>Thresholds</h3>
            <div class="sliders">
              ${result.groups.map((g) => {
                const t = g.threshold;
                return html`<label for=${`t-${g.group}`}>${g.group} (n = ${g.n})</label>
                  <input id=${`t-${g.group}`} data-testid=${`threshold-${g.group}`} type="range" min="0" max="1" step="0.01" .value=${String(t)} @input=${(e: Event) => this.#slide(g.group, Number((e.target as HTMLInputElement).value))} />
                  <output for=${`t-${g.group}`}>${t.toFixed(2)}</output>`;
              })}
            </div>
            <h3>Per-group metrics</h3>
            <table class="plain" data-testid="fairness-table">
              <thead><tr><th scope="col">group</th><th scope="col">n</th>${METRICS.map(([, title]) => html`<th scope="col">${title}</th>`)}</tr></thead>
              <tbody>
                ${result.groups.map(
                  (g) => html`<tr>
                    <th scope="row">${g.group}</th>
                    <td>${g.n}</td>
                    ${METRICS.map(([key]) => {
                      const { value: v, interval: i } = g[key];
                      return html`<td>${v === null ? 'undefined' : v.toFixed(3)}${i ? html` <span class="hint">[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]</span>` : nothing}</td>`;
                    })}
                  </tr>`,
                )}
              </tbody>
            </table>
            <p class="hint">Accuracy over all groups: ${result.accuracy.toFixed(3)}.${method ? ` Intervals: 95% ${method}.` : ''}</p>
            <gb-vega-chart .spec=${this.#chart(result)} label="Per-group rates with intervals"></gb-vega-chart>`
        : html`<p>Computing…</p>`}
    </section>`;
  }
}

customElements.define('gb-fairness-view', FairnessView);
