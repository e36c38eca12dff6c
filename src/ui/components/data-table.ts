import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { styleProps } from '../style-props.js';
import type { DataRow, FeatureInfo } from '../api-types.js';
import { colourKey, colourOf } from '../colour.js';
import type { ColourBy } from '../store.js';
import { theme } from '../theme.js';

/** Where the table's rows come from: a count and pages fetched on demand. */
export interface RowSource {
  readonly key: string;
  readonly total: number;
  fetch(offset: number, limit: number, signal: AbortSignal): Promise<readonly DataRow[]>;
}

const ROW_HEIGHT = 28;
const PAGE = 200;
const OVERSCAN = 10;

/**
 * A virtualised table: only the rows in view (plus a margin) are in the DOM, pages of 200 rows are fetched
 * as they scroll into view and kept, so 100k rows scroll as smoothly as 100. Emits `row-select` with the row.
 */
export class DataTable extends LitElement {
  static override properties = {
    source: { attribute: false },
    features: { attribute: false },
    classes: { attribute: false },
    colourBy: { attribute: false },
    sliceRows: { attribute: false },
    selectedRowId: { attribute: false },
    height: { type: Number },
    first: { state: true },
    loaded: { state: true },
  };

  declare source: RowSource | undefined;
  declare features: readonly FeatureInfo[];
  declare classes: readonly string[];
  declare colourBy: ColourBy;
  declare sliceRows: ReadonlySet<number>;
  declare selectedRowId: number | undefined;
  declare height: number;
  declare first: number;
  declare loaded: number;

  #pages = new Map<number, readonly DataRow[] | Promise<void>>();
  #abort = new AbortController();

  constructor() {
    super();
    this.features = [];
    this.classes = [];
    this.colourBy = 'label';
    this.sliceRows = new Set();
    this.height = 420;
    this.first = 0;
    this.loaded = 0;
  }

  static override styles = [
    theme,
    css`
      .scroller {
        overflow: auto;
        position: relative;
        border: 1px solid #d8dce2;
        background: #fff;
      }
      .header,
      .tr {
        display: grid;
        align-items: center;
        white-space: nowrap;
      }
      .header {
        position: sticky;
        top: 0;
        z-index: 1;
        background: #eef1f5;
        font-weight: 600;
        border-bottom: 1px solid #c9cfd8;
        height: 30px;
      }
      .tr {
        position: absolute;
        left: 0;
        top: 0;
        height: 28px;
        box-sizing: border-box;
        border-bottom: 1px solid #f0f2f5;
        cursor: pointer;
      }
      .tr:hover {
        background: #f3f7fc;
      }
      .tr[aria-selected='true'] {
        background: #dde9f8;
      }
      .tr:focus-visible {
        outline: 2px solid #1f5fa8;
        outline-offset: -2px;
      }
      .th,
      .td {
        padding: 0 8px;
        overflow: hidden;
        text-overflow: ellipsis;
        font-variant-numeric: tabular-nums;
      }
      .placeholder {
        color: #6b7280;
      }
    `,
  ];

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('source')) {
      this.#abort.abort();
      this.#abort = new AbortController();
      this.#pages.clear();
      this.first = 0;
      const scroller = this.renderRoot.querySelector?.('.scroller');
      if (scroller) scroller.scrollTop = 0;
    }
  }

  protected override updated(): void {
    this.#ensurePages();
  }

  /** The columns: row id, colour key, label, prediction, then the features (text and images are left out). */
  get #columns(): string[] {
    return this.features.filter((f) => f.type === 'numeric' || f.type === 'categorical').map((f) => f.name);
  }

  #visibleRange(): [number, number] {
    const total = this.source?.total ?? 0;
    const count = Math.ceil(this.height / ROW_HEIGHT) + 2 * OVERSCAN;
    const start = Math.max(0, this.first - OVERSCAN);
    return [start, Math.min(total, start + count)];
  }

  #ensurePages(): void {
    const source = this.source;
    if (!source) return;
    const [start, end] = this.#visibleRange();
    for (let p = Math.floor(start / PAGE); p * PAGE < end; p++) {
      if (this.#pages.has(p)) continue;
      const signal = this.#abort.signal;
      const pending = source.fetch(p * PAGE, PAGE, signal).then(
        (rows) => {
          if (signal.aborted) return;
          this.#pages.set(p, rows);
          this.loaded++;
        },
        (error: unknown) => {
          if (!signal.aborted) {
            this.#pages.delete(p);
            this.dispatchEvent(new CustomEvent('table-error', { detail: error, bubbles: true, composed: true }));
          }
        },
      );
      this.#pages.set(p, pending);
    }
  }

  #row(index: number): DataRow | undefined {
    const page = this.#pages.get(Math.floor(index / PAGE));
    return Array.isArray(page) ? (page as readonly DataRow[])[index % PAGE] : undefined;
  }

  #onScroll(event: Event): void {
    const first = Math.floor((event.target as HTMLElement).scrollTop / ROW_HEIGHT);
    if (first !== this.first) this.first = first;
  }

  #select(row: DataRow): void {
    this.dispatchEvent(new CustomEvent('row-select', { detail: row, bubbles: true, composed: true }));
  }

  #onKey(event: KeyboardEvent, row: DataRow, index: number): void {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.#select(row);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = index + (event.key === 'ArrowDown' ? 1 : -1);
      const scroller = this.renderRoot.querySelector('.scroller') as HTMLElement;
      if (next * ROW_HEIGHT < scroller.scrollTop || (next + 1) * ROW_HEIGHT > scroller.scrollTop + this.height - 30) scroller.scrollTop = Math.max(0, (next - 3) * ROW_HEIGHT);
      requestAnimationFrame(() => (this.renderRoot.querySelector(`[aria-rowindex="${next + 2}"]`) as HTMLElement | null)?.focus());
    }
  }

  override render() {
    const total = this.source?.total ?? 0;
    const columns = this.#columns;
    // the row-id column widens with the number of digits (row 99,999 must not read "99…")
    const idWidth = Math.max(56, 20 + 9 * String(Math.max(0, total - 1)).length);
    const template = `${idWidth}px 110px 90px 100px ${columns.map(() => 'minmax(90px, 1fr)').join(' ')}`;
    const grid = styleProps({ 'grid-template-columns': template, 'min-width': `${400 + columns.length * 100}px` });
    const [start, end] = this.#visibleRange();
    const rows = [];
    for (let i = start; i < end; i++) {
      const row = this.#row(i);
      const position = styleProps({ transform: `translateY(${30 + i * ROW_HEIGHT}px)`, 'grid-template-columns': template, 'min-width': `${400 + columns.length * 100}px`, width: '100%' });
      if (!row) {
        rows.push(html`<div class="tr placeholder" role="row" aria-rowindex=${i + 2} style=${position}><div class="td" role="gridcell">…</div></div>`);
        continue;
      }
      const key = colourKey(row, this.colourBy, this.sliceRows);
      rows.push(html`<div
        class="tr"
        role="row"
        tabindex="0"
        aria-rowindex=${i + 2}
        aria-selected=${row.rowId === this.selectedRowId ? 'true' : 'false'}
        data-row-id=${row.rowId}
        style=${position}
        @click=${() => this.#select(row)}
        @keydown=${(e: KeyboardEvent) => this.#onKey(e, row, i)}
      >
        <div class="td" role="gridcell">${row.rowId}</div>
        <div class="td" role="gridcell"><span class="swatch" style=${styleProps({ background: colourOf(key, this.classes) })}></span>${key}</div>
        <div class="td" role="gridcell">${row.label ?? '—'}</div>
        <div class="td" role="gridcell">${formatPrediction(row)}</div>
        ${columns.map((c) => html`<div class="td" role="gridcell">${formatValue(row.features[c])}</div>`)}
      </div>`);
    }
    return html`<div
      class="scroller"
      role="grid"
      aria-label="Datapoints"
      aria-rowcount=${total + 1}
      aria-colcount=${columns.length + 4}
      style=${styleProps({ height: `${this.height}px` })}
      @scroll=${this.#onScroll}
    >
      <div class="header" role="row" aria-rowindex="1" style=${grid}>
        <div class="th" role="columnheader">row</div>
        <div class="th" role="columnheader">colour: ${this.colourBy}</div>
        <div class="th" role="columnheader">label</div>
        <div class="th" role="columnheader">prediction</div>
        ${columns.map((c) => html`<div class="th" role="columnheader">${c}</div>`)}
      </div>
      <div style=${styleProps({ height: `${total * ROW_HEIGHT}px` })}></div>
      ${rows} ${total === 0 ? html`<p class="hint" role="row"><span role="gridcell">No rows match.</span></p>` : nothing}
    </div>`;
  }
}

export function formatValue(value: unknown): string {
  if (typeof value === 'number') return String(Number(value.toFixed(Math.abs(value) >= 100 ? 1 : 3)));
  return value === null || value === undefined ? '—' : String(value);
}

function formatPrediction(row: DataRow): string {
  const top = row.outputs.length ? Math.max(...row.outputs) : undefined;
  return top === undefined ? String(row.prediction ?? '—') : `${row.prediction} (${top.toFixed(2)})`;
}

customElements.define('gb-data-table', DataTable);
