import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import type { DataRow } from '../api-types.js';
import { colourKey, colourOf } from '../colour.js';
import { lassoSelect } from '../lasso.js';
import { store } from '../store.js';
import { theme } from '../theme.js';

const SIZE = 560;
const PAD = 16;

/**
 * Projector: a 2-D map of the rows (PCA, t-SNE or UMAP, computed by the server), coloured like the table.
 * Drawing a lasso selects the points inside it; "Show in table" narrows Datapoints to them.
 */
export class ProjectorView extends LitElement {
  static override properties = { method: { state: true }, status: { state: true }, selected: { state: true }, error: { state: true } };
  declare method: string;
  declare status: string;
  declare selected: readonly number[];
  declare error: string | undefined;
  #xs = new Float64Array(0);
  #ys = new Float64Array(0);
  #rowIds: number[] = [];
  #rows = new Map<number, DataRow>();
  #lasso: number[] = [];
  #drawing = false;
  #onChange = (): void => this.#draw();

  constructor() {
    super();
    this.method = 'pca';
    this.status = '';
    this.selected = [];
  }

  static override styles = [
    theme,
    css`
      .stage {
        position: relative;
        width: ${SIZE}px;
        height: ${SIZE}px;
      }
      canvas {
        position: absolute;
        left: 0;
        top: 0;
        border: 1px solid #d8dce2;
        background: #fff;
        touch-action: none;
      }
      canvas.overlay {
        background: transparent;
        cursor: crosshair;
      }
      .legend span {
        margin-right: 12px;
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

  async #load(): Promise<void> {
    this.status = `Computing the ${this.method.toUpperCase()} projection…`;
    this.error = undefined;
    try {
      const [projection] = await Promise.all([api.projection(this.method), this.#rows.size ? Promise.resolve() : this.#loadRows()]);
      this.#rowIds = [...projection.rowIds];
      this.#xs = Float64Array.from(projection.coordinates, (c) => c[0]);
      this.#ys = Float64Array.from(projection.coordinates, (c) => c[1]);
      const trust = projection.trustworthiness === undefined ? '' : `, trustworthiness ${projection.trustworthiness.toFixed(3)}`;
      this.status = `${this.#rowIds.length.toLocaleString('en')} rows (${projection.method.toUpperCase()}${trust}).`;
      this.selected = [];
      this.#lasso = [];
      await this.updateComplete;
      this.#draw();
    } catch (error) {
      this.error = (error as Error).message;
      this.status = '';
    }
  }

  async #loadRows(): Promise<void> {
    for (let offset = 0; ; offset += 5000) {
      const page = await api.rows(offset, 5000);
      for (const row of page.rows) this.#rows.set(row.rowId, row);
      if (offset + 5000 >= page.total) break;
    }
  }

  /** Screen position of point i (data scaled into the square, y up). */
  #screen(): { sx: Float64Array; sy: Float64Array } {
    const n = this.#xs.length;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      x0 = Math.min(x0, this.#xs[i]!);
      x1 = Math.max(x1, this.#xs[i]!);
      y0 = Math.min(y0, this.#ys[i]!);
      y1 = Math.max(y1, this.#ys[i]!);
    }
    const scale = (SIZE - 2 * PAD) / Math.max(x1 - x0, y1 - y0, 1e-12);
    const sx = new Float64Array(n);
    const sy = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sx[i] = PAD + (this.#xs[i]! - x0) * scale;
      sy[i] = SIZE - PAD - (this.#ys[i]! - y0) * scale;
    }
    return { sx, sy };
  }

  #draw(): void {
    const canvas = this.renderRoot.querySelector('canvas.points') as HTMLCanvasElement | null;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    const { colourBy, sliceRows, info } = store.state;
    const classes = info?.classes ?? [];
    const { sx, sy } = this.#screen();
    const chosen = new Set(this.selected);
    context.clearRect(0, 0, SIZE, SIZE);
    for (let i = 0; i < sx.length; i++) {
      const row = this.#rows.get(this.#rowIds[i]!);
      context.fillStyle = row ? colourOf(colourKey(row, colourBy, sliceRows), classes) : '#999';
      context.globalAlpha = chosen.size && !chosen.has(i) ? 0.25 : 0.85;
      context.fillRect(sx[i]! - 1.5, sy[i]! - 1.5, 3, 3);
    }
    context.globalAlpha = 1;
    this.#drawLasso();
  }

  #drawLasso(): void {
    const overlay = this.renderRoot.querySelector('canvas.overlay') as HTMLCanvasElement | null;
    const context = overlay?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, SIZE, SIZE);
    if (this.#lasso.length < 4) return;
    context.beginPath();
    context.moveTo(this.#lasso[0]!, this.#lasso[1]!);
    for (let k = 2; k < this.#lasso.length; k += 2) context.lineTo(this.#lasso[k]!, this.#lasso[k + 1]!);
    context.closePath();
    context.strokeStyle = '#16324f';
    context.setLineDash([4, 3]);
    context.stroke();
    context.fillStyle = 'rgba(31, 95, 168, 0.08)';
    context.fill();
  }

  #point(event: PointerEvent): [number, number] {
    const rect = (event.target as HTMLElement).getBoundingClientRect();
    return [event.clientX - rect.left, event.clientY - rect.top];
  }

  #down(event: PointerEvent): void {
    (event.target as HTMLElement).setPointerCapture(event.pointerId);
    this.#drawing = true;
    this.#lasso = this.#point(event);
  }

  #move(event: PointerEvent): void {
    if (!this.#drawing) return;
    this.#lasso.push(...this.#point(event));
    this.#drawLasso();
  }

  #up(): void {
    if (!this.#drawing) return;
    this.#drawing = false;
    const { sx, sy } = this.#screen();
    this.selected = lassoSelect(sx, sy, this.#lasso);
    this.#draw();
  }

  #showInTable(): void {
    const rowIds = this.selected.map((i) => this.#rowIds[i]!).sort((a, b) => a - b);
    store.set({ filter: { source: `lasso (${rowIds.length} rows)`, rowIds, size: rowIds.length }, view: 'datapoints' });
  }

  override render() {
    const { info, colourBy, sliceRows } = store.state;
    const keys = new Map<string, string>();
    for (const row of this.#rows.values()) {
      const key = colourKey(row, colourBy, sliceRows);
      if (!keys.has(key)) keys.set(key, colourOf(key, info?.classes ?? []));
      if (keys.size > 12) break;
    }
    return html`<section class="panel" aria-labelledby="pj-title">
      <h2 id="pj-title">Projector</h2>
      <p class="hint">Each dot is a row, coloured by ${colourBy} (as in the table). Draw around points to select them.</p>
      <div class="row">
        <label>Method
          <select data-testid="projection-method" @change=${(e: Event) => ((this.method = (e.target as HTMLSelectElement).value), void this.#load())}>
            ${['pca', 'tsne', 'umap'].map((m) => html`<option value=${m} ?selected=${m === this.method}>${m.toUpperCase()}</option>`)}
          </select>
        </label>
        <span>${this.status}</span>
        <button ?disabled=${!this.selected.length} @click=${this.#showInTable}>Show ${this.selected.length.toLocaleString('en')} selected rows in the table</button>
      </div>
      <p class="legend">${[...keys].map(([key, colour]) => html`<span><span class="swatch" data-colour=${colour}></span>${key}</span>`)}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="stage">
        <canvas class="points" width=${SIZE} height=${SIZE} role="img" aria-label=${`Scatter plot of ${this.#rowIds.length} rows`}></canvas>
        <canvas class="overlay" width=${SIZE} height=${SIZE} aria-hidden="true" @pointerdown=${this.#down} @pointermove=${this.#move} @pointerup=${this.#up}></canvas>
      </div>
    </section>`;
  }

  protected override updated(): void {
    for (const swatch of this.renderRoot.querySelectorAll<HTMLElement>('.swatch[data-colour]')) swatch.style.background = swatch.dataset.colour!;
  }
}

customElements.define('gb-projector-view', ProjectorView);
