import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import type { DataRow } from '../api-types.js';
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
 * Images and text: for image models, the first rows the model gets wrong and right, each drawn beside its
 * Integrated Gradients overlay for the predicted class (POST /api/image-attribution).
 */
export class MediaView extends LitElement {
  static override properties = { rows: { state: true }, error: { state: true }, done: { state: true } };
  declare rows: readonly DataRow[];
  declare error: string | undefined;
  declare done: number;

  constructor() {
    super();
    this.rows = [];
    this.done = 0;
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
    `,
  ];

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    const info = store.state.info;
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

  override render() {
    const info = store.state.info;
    if (!info || info.input !== 'tensor' || info.inputShape?.length !== 3) {
      return html`<section class="panel"><h2>Images and text</h2><p class="hint">${info?.title ?? 'This data'} has no images to explain${info?.features.some((f) => f.type === 'text') ? ' (word highlights for text models are not offered yet)' : ''}.</p></section>`;
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
