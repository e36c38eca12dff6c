import { LitElement, html, nothing } from 'lit';
import { api } from '../api.js';
import type { Counterfactual, DataRow, DatasetInfo, FeatureRow } from '../api-types.js';
import { formatValue } from '../components/data-table.js';
import { store } from '../store.js';
import { theme } from '../theme.js';
import { shownOutput } from './whatif-view.js';

interface Checked extends Counterfactual {
  readonly kind: 'nearest' | 'generated';
  /** The output the dashboard got by predicting the counterfactual again (POST /api/predict). */
  readonly repredicted: readonly number[];
}

/**
 * Counterfactuals for the selected row: WIT's nearest row with a different prediction and DiCE-style generated
 * ones (diverse, sparse, within the schema, immutable features untouched), each predicted again here to show
 * it really flips the decision.
 */
export class CounterfactualView extends LitElement {
  static override properties = { row: { state: true }, results: { state: true }, mutable: { state: true }, error: { state: true }, busy: { state: true }, notes: { state: true } };
  static override styles = [theme];
  declare row: DataRow | undefined;
  declare results: readonly Checked[] | undefined;
  declare mutable: ReadonlySet<string>;
  declare error: string | undefined;
  declare busy: boolean;
  declare notes: readonly string[];

  constructor() {
    super();
    this.mutable = new Set();
    this.busy = false;
    this.notes = [];
  }

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    const info = store.state.info;
    if (!info || info.input !== 'tabular') return;
    const protectedColumns = new Set(info.protected);
    this.mutable = new Set(info.features.filter((f) => f.mutable !== false && !protectedColumns.has(f.name)).map((f) => f.name));
    this.row = store.state.selected ?? (await api.rows(0, 1)).rows[0];
  }

  async #run(): Promise<void> {
    if (!this.row) return;
    this.busy = true;
    this.error = undefined;
    try {
      const features = this.row.features;
      const [nearest, generated] = await Promise.all([api.counterfactual(features, { method: 'nearest', count: 1 }), api.counterfactual(features, { method: 'dice', count: 3, mutable: [...this.mutable] })]);
      const list = [...nearest.counterfactuals.map((c) => ({ ...c, kind: 'nearest' as const })), ...generated.counterfactuals.map((c) => ({ ...c, kind: 'generated' as const }))];
      const { outputs } = list.length ? await api.predict(list.map((c) => c.features)) : { outputs: [] as number[][] };
      this.results = list.map((c, i) => ({ ...c, repredicted: outputs[i]! }));
      this.notes = [...(nearest.notes ?? []), ...(generated.notes ?? [])];
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  #toggle(name: string, on: boolean): void {
    const next = new Set(this.mutable);
    if (on) next.add(name);
    else next.delete(name);
    this.mutable = next;
  }

  #table(info: DatasetInfo, row: DataRow, results: readonly Checked[]) {
    const shown = shownOutput(info, row.outputs);
    const features = info.features.filter((f) => f.type !== 'image' && f.type !== 'text');
    const cls = (outputs: readonly number[]) => (info.task === 'regression' ? formatValue(outputs[0]) : info.classes[outputs.indexOf(Math.max(...outputs))]);
    return html`<table class="plain" data-testid="counterfactual-table">
      <caption class="hint">Changed values are highlighted; every counterfactual was predicted again by the dashboard.</caption>
      <thead>
        <tr>
          <th scope="col">feature</th>
          <th scope="col">row ${row.rowId}</th>
          ${results.map((c, i) => html`<th scope="col">${c.kind === 'nearest' ? `nearest (row ${c.rowId})` : `generated ${i}`}</th>`)}
        </tr>
      </thead>
      <tbody>
        <tr>
          <th scope="row">${shown.title} (predicted again)</th>
          <td>${row.outputs[shown.index]!.toFixed(4)} (${row.prediction})</td>
          ${results.map((c) => html`<td data-testid="counterfactual-prediction">${c.repredicted[shown.index]!.toFixed(4)} (${cls(c.repredicted)})</td>`)}
        </tr>
        <tr>
          <th scope="row">distance</th>
          <td>—</td>
          ${results.map((c) => html`<td>${formatValue(c.distance)}</td>`)}
        </tr>
        ${features.map(
          (f) => html`<tr>
            <th scope="row">${f.name}${this.mutable.has(f.name) ? '' : ' (fixed)'}</th>
            <td>${formatValue(row.features[f.name])}</td>
            ${results.map((c) => html`<td class=${c.changed.includes(f.name) ? 'changed' : ''}>${formatValue((c.features as FeatureRow)[f.name])}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  override render() {
    const info = store.state.info;
    if (!info || info.input !== 'tabular') return html`<section class="panel"><h2>Counterfactuals</h2><p class="hint">Counterfactuals are offered for tabular data.</p></section>`;
    const row = this.row;
    return html`<section class="panel" aria-labelledby="cf-title">
      <h2 id="cf-title">Counterfactuals${row ? ` for row ${row.rowId}` : ''}</h2>
      <p class="hint">The nearest row in the data with a different prediction (L1 on normalised features), and generated counterfactuals that change few features within the schema. Untick a feature to keep it fixed.</p>
      <fieldset>
        <legend>Features the counterfactuals may change</legend>
        ${info.features.map(
          (f) => html`<label><input type="checkbox" .checked=${this.mutable.has(f.name)} @change=${(e: Event) => this.#toggle(f.name, (e.target as HTMLInputElement).checked)} />${f.name}</label> `,
        )}
      </fieldset>
      <p><button data-testid="run-counterfactual" @click=${this.#run} ?disabled=${this.busy || !row}>${this.busy ? 'Searching…' : 'Find counterfactuals'}</button></p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.notes.map((n) => html`<p class="hint">${n}</p>`)}
      ${row && this.results ? (this.results.length ? this.#table(info, row, this.results) : html`<p>No counterfactual found within the schema.</p>`) : nothing}
    </section>`;
  }
}

customElements.define('gb-counterfactual-view', CounterfactualView);
