import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import type { AttributionJson, DataRow, DatasetInfo, FeatureInfo, FeatureRow, FeatureValue, IceCurves } from '../api-types.js';
import { attributionChart, iceChart } from '../charts.js';
import '../components/vega-chart.js';
import { formatValue } from '../components/data-table.js';
import { store } from '../store.js';
import { theme } from '../theme.js';

/** Which output the editor shows: the positive class of a binary model, the original's top class otherwise. */
export function shownOutput(info: DatasetInfo, original: readonly number[]): { index: number; title: string } {
  if (info.task === 'regression') return { index: 0, title: 'predicted value' };
  const index = info.task === 'binary' ? info.classes.length - 1 : original.indexOf(Math.max(...original));
  return { index, title: `P(${info.classes[index]})` };
}

/**
 * The what-if editor: the selected row's features as inputs within the schema (numbers inside their observed
 * range, categories as selects); Enter (or leaving a field) applies an edit, and the prediction, the
 * attributions and the ICE curves are recomputed by the server, beside the original row's.
 */
export class WhatIfView extends LitElement {
  static override properties = {
    original: { state: true },
    edited: { state: true },
    outputs: { state: true },
    attribution: { state: true },
    originalAttribution: { state: true },
    iceFeature: { state: true },
    iceSpec: { state: true },
    invalid: { state: true },
    error: { state: true },
    busy: { state: true },
    roundTrip: { state: true },
  };

  declare original: DataRow | undefined;
  declare edited: FeatureRow | undefined;
  declare outputs: readonly number[] | undefined;
  declare attribution: AttributionJson | undefined;
  declare originalAttribution: AttributionJson | undefined;
  declare iceFeature: string | undefined;
  declare iceSpec: unknown;
  declare invalid: Record<string, string>;
  declare error: string | undefined;
  declare busy: boolean;
  declare roundTrip: number | undefined;
  #generation = 0;
  #onChange = (): void => void this.#load();

  constructor() {
    super();
    this.invalid = {};
    this.busy = false;
  }

  static override styles = [
    theme,
    css`
      .editor {
        display: grid;
        grid-template-columns: max-content 12rem max-content;
        gap: 4px 10px;
        align-items: center;
      }
      .editor input,
      .editor select {
        width: 100%;
        box-sizing: border-box;
      }
      .editor textarea {
        width: 28rem;
        height: 8rem;
        font: inherit;
      }
      .original {
        color: #4a5160;
        font-size: 0.9em;
      }
      .prediction {
        font-size: 1.6rem;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
      .muted {
        color: #4a5160;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    store.addEventListener('change', this.#onChange);
    void this.#load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    store.removeEventListener('change', this.#onChange);
  }

  get #info(): DatasetInfo | undefined {
    return store.state.info;
  }

  get #features(): readonly FeatureInfo[] {
    return (this.#info?.features ?? []).filter((f) => f.type !== 'image');
  }

  /** Opens the selected row (the first row when none is selected). */
  async #load(): Promise<void> {
    const info = this.#info;
    if (!info || info.input !== 'tabular') return;
    let row = store.state.selected;
    if (!row) {
      if (this.original) return;
      row = (await api.rows(0, 1)).rows[0];
      if (!row) return;
    }
    if (row.rowId === this.original?.rowId) return;
    this.original = row;
    this.edited = { ...row.features };
    this.outputs = row.outputs;
    this.invalid = {};
    this.attribution = undefined;
    this.originalAttribution = undefined;
    this.iceFeature ??= this.#features.find((f) => f.type === 'numeric')?.name ?? this.#features[0]?.name;
    try {
      // the original's attributions belong to the row, not to an edit: a later edit does not discard them
      const [attribution] = await Promise.all([api.explain(row.features), this.#ice()]);
      if (this.original !== row) return;
      this.originalAttribution = attribution;
      this.attribution ??= attribution;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Checks one input against the schema; returns the value to apply or records why it cannot be. */
  #parse(feature: FeatureInfo, text: string): FeatureValue | undefined {
    const invalid = { ...this.invalid };
    delete invalid[feature.name];
    let value: FeatureValue | undefined = text;
    if (feature.type === 'numeric') {
      const number = Number(text);
      if (text.trim() === '' || !Number.isFinite(number)) invalid[feature.name] = 'enter a number';
      else if ((feature.min !== undefined && number < feature.min) || (feature.max !== undefined && number > feature.max)) invalid[feature.name] = `between ${formatValue(feature.min)} and ${formatValue(feature.max)}`;
      value = invalid[feature.name] ? undefined : number;
    } else if (feature.type === 'categorical' && !feature.categories?.includes(text)) {
      invalid[feature.name] = 'not a category of the schema';
      value = undefined;
    }
    this.invalid = invalid;
    return value;
  }

  #apply(feature: FeatureInfo, text: string): void {
    const value = this.#parse(feature, text);
    if (value === undefined || !this.edited || this.edited[feature.name] === value) return;
    this.edited = { ...this.edited, [feature.name]: value };
    this.iceFeature = feature.name;
    void this.#evaluate();
  }

  /** Prediction, attributions and ICE for the edited row; a newer edit supersedes an older one. */
  async #evaluate(): Promise<void> {
    const edited = this.edited;
    if (!edited) return;
    const generation = ++this.#generation;
    const started = performance.now();
    this.busy = true;
    try {
      const prediction = api.predict([edited]).then((r) => {
        if (generation !== this.#generation) return;
        this.outputs = r.outputs[0];
        this.roundTrip = performance.now() - started;
      });
      const [attribution] = await Promise.all([api.explain(edited), prediction, this.#ice()]);
      if (generation !== this.#generation) return;
      this.attribution = attribution;
      this.error = undefined;
    } catch (error) {
      if (generation === this.#generation) this.error = (error as Error).message;
    } finally {
      if (generation === this.#generation) this.busy = false;
    }
  }

  #reset(): void {
    if (!this.original) return;
    this.edited = { ...this.original.features };
    this.invalid = {};
    void this.#evaluate();
  }

  /**
   * ICE curves of the chosen feature (GET /api/pdp): the original row's and the edited row's, and the partial
   * dependence (the average ICE curve over a sample of rows) for reference.
   */
  async #ice(): Promise<void> {
    const info = this.#info;
    const feature = this.#features.find((f) => f.name === this.iceFeature);
    if (!info || !feature || !this.original || !this.edited || feature.type === 'text') return void (this.iceSpec = undefined);
    const edited = this.edited;
    const same = this.#features.every((f) => edited[f.name] === this.original!.features[f.name]);
    const [original, changed] = await Promise.all([api.pdp(feature.name, { rowId: this.original.rowId }), same ? undefined : api.pdp(feature.name, { row: edited })]);
    const x = (curve: IceCurves, k: number): number | string => (curve.kind === 'categorical' ? (curve.gridLabels?.[k] ?? String(curve.grid[k])) : curve.grid[k]!);
    const line = (curve: IceCurves, values: readonly number[] | null, version: string) => (values ?? []).map((output, k) => ({ value: x(curve, k), output, version }));
    const points = [...line(original, original.average, `average of ${original.nRows - 1} rows (PDP)`), ...line(original, original.row, 'original'), ...line(changed ?? original, (changed ?? original).row, 'edited')];
    const shown = shownOutput(info, this.original.outputs);
    const marks = [
      { value: this.original.features[feature.name] as number | string, output: this.original.outputs[shown.index]!, version: 'original' },
      { value: edited[feature.name] as number | string, output: (this.outputs ?? this.original.outputs)[shown.index]!, version: 'edited' },
    ];
    this.iceSpec = iceChart(points, marks, feature.name, original.kind === 'numeric', original.targetClass ? `P(${original.targetClass})` : shown.title);
  }

  #input(feature: FeatureInfo) {
    const value = this.edited?.[feature.name];
    const testid = `whatif-feature-${feature.name}`;
    const id = `f-${feature.name}`;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (feature.type !== 'text' || e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        this.#apply(feature, (e.target as HTMLInputElement).value);
      }
    };
    const onChange = (e: Event) => this.#apply(feature, (e.target as HTMLInputElement).value);
    const described = this.invalid[feature.name] ? `${id}-err` : `${id}-orig`;
    if (feature.type === 'categorical') {
      return html`<select id=${id} data-testid=${testid} aria-describedby=${described} @change=${onChange}>
        ${(feature.categories ?? []).map((c) => html`<option value=${c} ?selected=${c === value}>${c}</option>`)}
      </select>`;
    }
    if (feature.type === 'text') return html`<textarea id=${id} data-testid=${testid} aria-describedby=${described} .value=${String(value ?? '')} @keydown=${onKey} @change=${onChange}></textarea>`;
    return html`<input
      id=${id}
      data-testid=${testid}
      type="number"
      step="any"
      min=${feature.min ?? nothing}
      max=${feature.max ?? nothing}
      aria-describedby=${described}
      aria-invalid=${this.invalid[feature.name] ? 'true' : 'false'}
      .value=${String(value ?? '')}
      @keydown=${onKey}
      @change=${onChange}
    />`;
  }

  #attributionSpec() {
    const edited = this.attribution;
    const original = this.originalAttribution;
    if (!edited || !original) return undefined;
    const rows = [
      ...original.featureNames.map((feature, k) => ({ feature, version: 'original', value: original.values[k]! })),
      ...edited.featureNames.map((feature, k) => ({ feature, version: 'edited', value: edited.values[k]! })),
    ];
    const order = [...edited.featureNames].sort((a, b) => Math.abs(edited.values[edited.featureNames.indexOf(b)]!) - Math.abs(edited.values[edited.featureNames.indexOf(a)]!));
    return attributionChart(rows, edited.method, order);
  }

  override render() {
    const info = this.#info;
    if (info && info.input !== 'tabular') return html`<section class="panel"><h2>What-if editor</h2><p class="hint">${info.title} takes images, not editable features: see the Images and text view.</p></section>`;
    const original = this.original;
    if (!info || !original || !this.edited) return html`<section class="panel"><h2>What-if editor</h2><p class="hint">Loading a row…</p></section>`;
    const shown = shownOutput(info, original.outputs);
    const outputs = this.outputs ?? original.outputs;
    const changed = this.#features.filter((f) => this.edited![f.name] !== original.features[f.name]).map((f) => f.name);
    return html`<div class="row">
      <section class="panel" aria-labelledby="wi-title">
        <h2 id="wi-title">What-if editor: row ${original.rowId}</h2>
        <p class="hint">Edit a value and press Enter. Label: ${original.label ?? '—'}. ${changed.length ? `Changed: ${changed.join(', ')}.` : 'No changes yet.'}</p>
        <div class="editor">
          ${this.#features.map(
            (f) => html`<label for=${`f-${f.name}`} class=${changed.includes(f.name) ? 'changed' : ''}>${f.name}</label>
              ${this.#input(f)}
              ${this.invalid[f.name]
                ? html`<span id=${`f-${f.name}-err`} class="error">${this.invalid[f.name]}</span>`
                : html`<span id=${`f-${f.name}-orig`} class="original">was ${formatValue(original.features[f.name])}${f.type === 'numeric' && f.min !== undefined ? ` · ${formatValue(f.min)}–${formatValue(f.max)}` : ''}</span>`}`,
          )}
        </div>
        <p><button class="secondary" @click=${this.#reset} ?disabled=${!changed.length}>Reset to the original</button></p>
      </section>
      <section class="panel" aria-labelledby="wi-pred" aria-live="polite">
        <h2 id="wi-pred">Prediction</h2>
        <table class="plain">
          <thead><tr><th scope="col"></th><th scope="col">original</th><th scope="col">edited</th></tr></thead>
          <tbody>
            <tr>
              <th scope="row">${shown.title}</th>
              <td>${original.outputs[shown.index]!.toFixed(4)}</td>
              <td class="prediction" data-testid="whatif-prediction" data-outputs=${JSON.stringify(outputs)}>${outputs[shown.index]!.toFixed(4)}</td>
            </tr>
            ${info.task === 'regression' ? nothing : html`<tr><th scope="row">class</th><td>${original.prediction}</td><td>${info.classes[outputs.indexOf(Math.max(...outputs))]}</td></tr>`}
          </tbody>
        </table>
        <p class="muted" data-testid="whatif-round-trip" data-ms=${this.roundTrip === undefined ? '' : this.roundTrip.toFixed(1)}>${this.busy ? 'Updating…' : this.roundTrip !== undefined ? `Last update: ${this.roundTrip.toFixed(0)} ms.` : ''}</p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <gb-vega-chart .spec=${this.#attributionSpec()} label="Attributions of the original and the edited row"></gb-vega-chart>
        <h3>ICE curve</h3>
        <label>Feature
          <select data-testid="ice-feature" @change=${(e: Event) => ((this.iceFeature = (e.target as HTMLSelectElement).value), void this.#ice())}>
            ${this.#features.filter((f) => f.type !== 'text').map((f) => html`<option value=${f.name} ?selected=${f.name === this.iceFeature}>${f.name}</option>`)}
          </select>
        </label>
        <gb-vega-chart .spec=${this.iceSpec} label="ICE curves of the original and the edited row"></gb-vega-chart>
      </section>
    </div>`;
  }
}

customElements.define('gb-whatif-view', WhatIfView);
