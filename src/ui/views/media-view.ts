import { LitElement, html } from 'lit';
import { store } from '../store.js';
import { theme } from '../theme.js';

/** Images and text: attribution overlays on the digits demo's images, highlighted words for the spam demo. */
export class MediaView extends LitElement {
  static override styles = [theme];
  override render() {
    const info = store.state.info;
    return html`<section class="panel"><h2>Images and text</h2><p class="hint">${info?.title}: ${info?.input === 'tabular' ? 'this data has no images or text.' : ''}</p></section>`;
  }
}

customElements.define('gb-media-view', MediaView);
