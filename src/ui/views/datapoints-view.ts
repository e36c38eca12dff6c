import { LitElement, html, nothing } from 'lit';
import { api, takeFirstPage } from '../api.js';
import type { DataRow, DatasetInfo, Predicate } from '../api-types.js';
import type { RowSource } from '../components/data-table.js';
import '../components/data-table.js';
import { store, type ColourBy } from '../store.js';
import { theme } from '../theme.js';

/**
 * Datapoints: every served row in a virtualised table, narrowed by filters on label, prediction and errors
 * (server-side predicates) or by a row set handed over from Slices or the Projector's lasso, and coloured by
 * label, prediction, error or slice. Clicking a row opens it in the what-if editor.
 */
export class DatapointsView extends LitElement {
  static override properties = { source: { state: true }, labelFilter: { state: true }, predictionFilter: { state: true }, error: { state: true } };
  static override styles = [theme];

  declare source: RowSource | undefined;
  declare labelFilter: string;
  declare predictionFilter: string;
  declare error: string | undefined;
  #onChange = (): void => void this.#refresh();
  #key = '';

  constructor() {
    super();
    this.labelFilter = '';
    this.predictionFilter = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    store.addEventListener('change', this.#onChange);
    void this.#refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    store.removeEventListener('change', this.#onChange);
  }

  get #info(): DatasetInfo | undefined {
    return store.state.info;
  }

  /** Predicates the server filters on: the label control's and a slice's. */
  #predicates(): Predicate[] {
    const info = this.#info;
    const predicates: Predicate[] = [];
    if (this.labelFilter && info?.target) predicates.push({ feature: info.target, op: '==', value: this.labelFilter });
    predicates.push(...(store.state.filter?.predicates ?? []));
    return predicates;
  }

  async #refresh(): Promise<void> {
    this.requestUpdate();
    const predicates = this.#predicates();
    const rowIds = store.state.filter?.rowIds;
    const prediction = this.predictionFilter;
    const filter = predicates.length ? JSON.stringify({ predicates }) : undefined;
    const key = JSON.stringify([filter, rowIds?.length, rowIds?.[0], prediction]);
    if (key === this.#key && this.source) return;
    this.#key = key;
    try {
      let source: RowSource;
      if (!rowIds && !prediction) {
        const first = await (filter ? api.rows(0, 200, filter) : takeFirstPage());
        source = { key, total: first.total, fetch: async (offset, limit, signal) => (offset === 0 && limit === 200 ? first : await api.rows(offset, limit, filter, signal)).rows };
      } else source = idSource(key, await collectIds(filter, rowIds, prediction));
      if (key !== this.#key) return;
      this.source = source;
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  #setColour(event: Event): void {
    store.set({ colourBy: (event.target as HTMLSelectElement).value as ColourBy });
  }

  override render() {
    const info = this.#info;
    const state = store.state;
    const classes = info?.classes ?? [];
    return html`<section class="panel" aria-labelledby="dp-title">
      <h2 id="dp-title">Datapoints</h2>
      <p class="hint">${this.source ? `${this.source.total.toLocaleString('en')} of ${(info?.nRows ?? 0).toLocaleString('en')} rows` : 'Loading rows…'}. Click a row to open it in the what-if editor.</p>
      <div class="row" role="group" aria-label="Table controls">
        <label>Colour by
          <select data-testid="colour-by" @change=${this.#setColour} .value=${state.colourBy}>
            ${(['label', 'prediction', 'error', 'slice'] as const).map((c) => html`<option value=${c} ?selected=${c === state.colourBy}>${c}</option>`)}
          </select>
        </label>
        ${info?.target
          ? html`<label>Label
              <select data-testid="filter-label" @change=${(e: Event) => ((this.labelFilter = (e.target as HTMLSelectElement).value), this.#refresh())}>
                <option value="">any</option>
                ${classes.map((c) => html`<option value=${c}>${c}</option>`)}
              </select>
            </label>`
          : nothing}
        <label>Prediction
          <select data-testid="filter-prediction" @change=${(e: Event) => ((this.predictionFilter = (e.target as HTMLSelectElement).value), this.#refresh())}>
            <option value="">any</option>
            ${classes.map((c) => html`<option value=${c}>${c}</option>`)}
          </select>
        </label>
        ${state.filter
          ? html`<span data-testid="active-filter">Showing ${state.filter.source}
              <button class="secondary" @click=${() => store.set({ filter: undefined })}>Show all rows</button></span>`
          : nothing}
      </div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <gb-data-table
        .source=${this.source}
        .features=${info?.features ?? []}
        .classes=${classes}
        .colourBy=${state.colourBy}
        .sliceRows=${state.sliceRows}
        .selectedRowId=${state.selected?.rowId}
        .height=${520}
        @row-select=${(e: CustomEvent<DataRow>) => store.set({ selected: e.detail, view: 'whatif' })}
      ></gb-data-table>
    </section>`;
  }
}

/**
 * Row ids of the rows that pass the server-side filter, are in `rowIds` (a lasso's) and have the predicted class
 * `prediction`: the server filters on columns, not on outputs, so the ids are collected from pages of 5,000.
 */
async function collectIds(filter: string | undefined, rowIds: readonly number[] | undefined, prediction: string): Promise<number[]> {
  const wanted = rowIds ? new Set(rowIds) : undefined;
  const ids: number[] = [];
  for (let offset = 0; ; offset += 5000) {
    const page = await api.rows(offset, 5000, filter);
    for (const row of page.rows) if ((!wanted || wanted.has(row.rowId)) && (!prediction || String(row.prediction) === prediction)) ids.push(row.rowId);
    if (offset + 5000 >= page.total) break;
  }
  return ids;
}

/** Pages of a known list of row ids: each request names only its page's ids, so the address stays short. */
function idSource(key: string, ids: readonly number[]): RowSource {
  return { key, total: ids.length, fetch: async (offset, limit, signal) => (await api.rows(0, limit, JSON.stringify({ rowIds: ids.slice(offset, offset + limit) }), signal)).rows };
}

customElements.define('gb-datapoints-view', DatapointsView);
