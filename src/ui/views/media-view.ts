import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import type { DataRow, TextAttribution } from '../api-types.js';
import { styleProps } from '../style-props.js';
import { store } from '../store.js';
import { theme } from '../theme.js';

const SCALE = 6;

/** Draws a grayscale image (values in [0, 1], height × width × channels) and, on a second canvas, the attribution overlay: red raises the predicted class, blue lowers it. */
function paint(image: HTMLCanvasElement, overlay: HTMLCanvasElement, shape: readonly number[], pixels: readonly number[], values: readonly number[]): void {
  const [h, w, c = 1] = shape as [number, number, number?];
  let max = 1e-12;
  for (const v of values) max = Math.max(max, Math.abs(v));
  for (const [canvas, withOverlay] of [
    [image, false],
    [overlay, true],
  ] as const) {
    canvas.width = w * SCALE;
    canvas.height = h * SCALE;
    const context = canvas.getContext('2d')!;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let grey = 0;
        let attribution = 0;
        for (let k = 0; k < c; k++) {
          grey += pixels[(y * w + x) * c + k]!;
          attribution += values[(y * w + x) * c + k]!;
        }
        // the overlay sits on a faded copy of the image, so colour on the ink stays visible
        const ink = Math.min(1, Math.max(0, grey / c)) * (withOverlay ? 0.3 : 1);
        const g = Math.round(255 * (1 - ink));
        context.fillStyle = `rgb(${g},${g},${g})`;
        context.fillRect(x * SCALE, y * SCALE, SCALE, SCALE);
        if (withOverlay && attribution !== 0) {
          const a = Math.min(1, Math.abs(attribution) / max);
          context.fillStyle = attribution > 0 ? `rgba(214,39,40,${0.85 * a})` : `rgba(31,95,168,${0.85 * a})`;
          context.fillRect(x * SCALE, y * SCALE, SCALE, SCALE);
        }
      }
    }
  }
}

/**
 * Images and text: for text models, documents with each word highlighted by its occlusion attribution
 * (POST /api/text-attribution); for image models, the first rows the model gets wrong and right, each drawn beside its
 * Integrated Gradients overlay for the predicted class (POST /api/image-attribution).
 */
export class MediaView extends LitElement {
  static override properties = { rows: { state: true }, error: { state: true }, done: { state: true }, texts: { state: true } };
  declare rows: readonly DataRow[];
  declare texts: ReadonlyMap<number, TextAttribution>;
  declare error: string | undefined;
  declare done: number;

  constructor() {
    super();
    this.rows = [];
    this.done = 0;
    this.texts = new Map();
  }

  static override styles = [
    theme,
    css`
      .grid {
        display: flex;
        flex-wrap: wrap;
        gap: 16px;
      }
      figure {
        margin: 0;
      }
      canvas {
        border: 1px solid #d8dce2;
        image-rendering: pixelated;
        margin-right: 4px;
      }
      figcaption {
        font-size: 0.9em;
      }
      .document {
        white-space: pre-wrap;
        max-height: 14rem;
        overflow: auto;
        border: 1px solid #d8dce2;
        padding: 6px 8px;
        line-height: 1.5;
      }
      .document span.word {
        border-radius: 2px;
      }
    `,
  ];

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    const info = store.state.info;
    if (info?.features.some((f) => f.type === 'text')) return this.#loadTexts();
    if (!info || info.input !== 'tensor' || info.inputShape?.length !== 3) return;
    try {
      const page = await api.rows(0, 400);
      const wrong = page.rows.filter((r) => String(r.label) !== String(r.prediction)).slice(0, 4);
      const right = page.rows.filter((r) => String(r.label) === String(r.prediction)).slice(0, 8 - wrong.length);
      this.rows = [...wrong, ...right];
      await this.updateComplete;
      for (const row of this.rows) {
        const result = await api.imageAttribution(row.rowId);
        const figure = this.renderRoot.querySelector(`[data-row-id="${row.rowId}"]`);
        if (!figure) return;
        paint(figure.querySelector('canvas.image')!, figure.querySelector('canvas.overlay')!, result.shape, result.pixels, result.attribution.values);
        this.done++;
      }
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Text models: the first misclassified and correct documents with each word's occlusion attribution. */
  async #loadTexts(): Promise<void> {
    try {
      const page = await api.rows(0, 300);
      const wrong = page.rows.filter((r) => String(r.label) !== String(r.prediction)).slice(0, 3);
      this.rows = [...wrong, ...page.rows.filter((r) => String(r.label) === String(r.prediction)).slice(0, 6 - wrong.length)];
      for (const row of this.rows) this.texts = new Map(this.texts).set(row.rowId, await api.textAttribution(row.rowId));
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  #document(result: TextAttribution, rowId: number) {
    let max = 1e-12;
    for (const v of result.values) max = Math.max(max, Math.abs(v));
    return html`<div class="document" tabindex="0" role="region" aria-label=${`Document of row ${rowId}`}>${result.pieces.map((piece, i) => {
      const w = result.wordOfPiece[i]!;
      if (w < 0) return piece;
      const v = result.values[w]!;
      const a = Math.min(1, Math.abs(v) / max);
      const background = v > 0 ? `rgba(214, 39, 40, ${(0.7 * a).toFixed(3)})` : `rgba(31, 95, 168, ${(0.7 * a).toFixed(3)})`;
      return html`<span class="word" title=${v.toPrecision(3)} style=${styleProps({ background })}>${piece}</span>`;
    })}</div>`;
  }

  #renderTexts() {
    return html`<section class="panel" aria-labelledby="md-title">
      <h2 id="md-title">Text: word attributions</h2>
      <p class="hint">Each document with its words highlighted by occlusion: red words raise the predicted class's probability (removing them lowers it), blue ones lower it. Misclassified documents come first. ${this.texts.size < this.rows.length ? `Explaining ${this.texts.size + 1} of ${this.rows.length}…` : ''}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.rows.map((row) => {
        const result = this.texts.get(row.rowId);
        return html`<figure data-row-id=${row.rowId}>
          <figcaption>row ${row.rowId}: label ${row.label}, predicted ${row.prediction}${String(row.label) !== String(row.prediction) ? ' ✗' : ''}</figcaption>
          ${result ? this.#document(result, row.rowId) : html`<p class="hint">…</p>`}
        </figure>`;
      })}
    </section>`;
  }

  override render() {
    const info = store.state.info;
    if (info?.features.some((f) => f.type === 'text')) return this.#renderTexts();
    if (!info || info.input !== 'tensor' || info.inputShape?.length !== 3) {
      return html`<section class="panel"><h2>Images and text</h2><p class="hint">${info?.title ?? 'This data'} has no images or text to explain.</p></section>`;
    }
    return html`<section class="panel" aria-labelledby="md-title">
      <h2 id="md-title">Images: attributions</h2>
      <p class="hint">Each image beside its Integrated Gradients attribution for the predicted class: red pixels raise that class's probability, blue ones lower it. Misclassified images come first. ${this.done < this.rows.length ? `Explaining ${this.done + 1} of ${this.rows.length}…` : ''}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="grid">
        ${this.rows.map(
          (row) => html`<figure data-row-id=${row.rowId}>
            <canvas class="image" role="img" aria-label=${`Image of row ${row.rowId}`}></canvas><canvas class="overlay" role="img" aria-label=${`Attribution overlay of row ${row.rowId}`}></canvas>
            <figcaption>row ${row.rowId}: label ${row.label}, predicted ${row.prediction}${String(row.label) !== String(row.prediction) ? ' ✗' : ''}</figcaption>
          </figure>`,
        )}
      </div>
    </section>`;
  }
}

customElements.define('gb-media-view', MediaView);
