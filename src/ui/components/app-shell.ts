import { LitElement, css, html, nothing } from 'lit';
import { api } from '../api.js';
import { store } from '../store.js';
import { theme } from '../theme.js';
import '../views/datapoints-view.js';
import '../views/whatif-view.js';
import '../views/counterfactual-view.js';
import '../views/slices-view.js';
import '../views/fairness-view.js';
import '../views/projector-view.js';
import '../views/media-view.js';

const VIEWS = [
  { id: 'datapoints', title: 'Datapoints' },
  { id: 'whatif', title: 'What-if' },
  { id: 'counterfactuals', title: 'Counterfactuals' },
  { id: 'slices', title: 'Slices' },
  { id: 'fairness', title: 'Fairness' },
  { id: 'projector', title: 'Projector' },
  { id: 'media', title: 'Images and text' },
] as const;

/** The dashboard: a header, a tab per view (arrow keys move between tabs) and the chosen view. */
export class AppShell extends LitElement {
  static override properties = { error: { state: true } };
  declare error: string | undefined;
  #onChange = (): void => this.requestUpdate();

  static override styles = [
    theme,
    css`
      header {
        background: #16324f;
        color: #fff;
        padding: 10px 20px;
        display: flex;
        gap: 16px;
        align-items: baseline;
      }
      header h1 {
        font-size: 1.2rem;
        margin: 0;
      }
      header .title {
        color: #d5e2f0;
      }
      nav {
        display: flex;
        gap: 2px;
        padding: 0 20px;
        background: #e4e9f0;
        border-bottom: 1px solid #c9cfd8;
      }
      nav button {
        background: transparent;
        color: #1a1a1a;
        border: none;
        border-bottom: 3px solid transparent;
        border-radius: 0;
        padding: 8px 14px;
      }
      nav button[aria-selected='true'] {
        border-bottom-color: #1f5fa8;
        color: #0f3f75;
        font-weight: 600;
      }
      main {
        padding: 14px 20px;
      }
    `,
  ];

  override connectedCallback(): void {
    super.connectedCallback();
    store.addEventListener('change', this.#onChange);
    const fromHash = location.hash.slice(1);
    if (VIEWS.some((v) => v.id === fromHash)) store.set({ view: fromHash });
    api.info().then(
      (info) => store.set({ info }),
      (error: unknown) => (this.error = (error as Error).message),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    store.removeEventListener('change', this.#onChange);
  }

  #go(view: string): void {
    store.set({ view });
    history.replaceState(null, '', `#${view}`);
  }

  #onKey(event: KeyboardEvent, index: number): void {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const next = VIEWS[(index + (event.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
    this.#go(next.id);
    requestAnimationFrame(() => (this.renderRoot.querySelector(`#tab-${next.id}`) as HTMLElement | null)?.focus());
  }

  #view() {
    switch (store.state.view) {
      case 'whatif':
        return html`<gb-whatif-view></gb-whatif-view>`;
      case 'counterfactuals':
        return html`<gb-counterfactual-view></gb-counterfactual-view>`;
      case 'slices':
        return html`<gb-slices-view></gb-slices-view>`;
      case 'fairness':
        return html`<gb-fairness-view></gb-fairness-view>`;
      case 'projector':
        return html`<gb-projector-view></gb-projector-view>`;
      case 'media':
        return html`<gb-media-view></gb-media-view>`;
      default:
        return html`<gb-datapoints-view></gb-datapoints-view>`;
    }
  }

  override render() {
    const { info, view } = store.state;
    return html`<header>
        <h1>glassbox</h1>
        <span class="title">${info ? `${info.title} · ${info.task} · ${info.nRows.toLocaleString('en')} rows` : ''}</span>
      </header>
      <nav role="tablist" aria-label="Views">
        ${VIEWS.map(
          (v, i) => html`<button
            role="tab"
            id=${`tab-${v.id}`}
            data-testid=${`tab-${v.id}`}
            aria-selected=${v.id === view ? 'true' : 'false'}
            aria-controls="view"
            tabindex=${v.id === view ? 0 : -1}
            @click=${() => this.#go(v.id)}
            @keydown=${(e: KeyboardEvent) => this.#onKey(e, i)}
          >
            ${v.title}
          </button>`,
        )}
      </nav>
      <main id="view" role="tabpanel" aria-labelledby=${`tab-${view}`}>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing} ${info ? this.#view() : html`<p>Loading…</p>`}
      </main>`;
  }
}

customElements.define('gb-app', AppShell);
