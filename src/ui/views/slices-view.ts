import { LitElement, html, nothing } from 'lit';
import { api } from '../api.js';
import type { FindingJson, Predicate } from '../api-types.js';
import { store } from '../store.js';
import { theme } from '../theme.js';

export function describeSlice(predicates: readonly Predicate[]): string {
  return predicates.map((p) => `${p.feature} ${p.op} ${Array.isArray(p.value) ? `[${(p.value as readonly unknown[]).join(', ')}]` : String(p.value)}`).join(' and ');
}

/**
 * Slices: the scan's findings, most severe first. A finding about a slice of rows has a button that narrows
 * the Datapoints table to those rows (the slice's predicates, filtered by the server) and colours them.
 */
export class SlicesView extends LitElement {
  static override properties = { findings: { state: true }, error: { state: true } };
  static override styles = [theme];
  declare findings: readonly FindingJson[] | undefined;
  declare error: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    api.findings().then(
      (r) => (this.findings = r.findings),
      (error: unknown) => (this.error = (error as Error).message),
    );
  }

  async #show(finding: FindingJson): Promise<void> {
    const predicates = finding.slice!;
    // The ids of the slice's rows, so colouring by slice marks them in every view.
    const ids: number[] = [];
    const filter = JSON.stringify({ predicates });
    for (let offset = 0; ; offset += 5000) {
      const page = await api.rows(offset, 5000, filter);
      ids.push(...page.rows.map((r) => r.rowId));
      if (offset + 5000 >= page.total) break;
    }
    store.set({ filter: { source: `slice ${describeSlice(predicates)}`, predicates, size: ids.length }, sliceRows: new Set(ids), colourBy: 'error', view: 'datapoints' });
  }

  override render() {
    const findings = this.findings;
    const rank = ['critical', 'high', 'medium', 'low', 'info'];
    const sorted = findings ? [...findings].sort((a, b) => rank.indexOf(a.severity) - rank.indexOf(b.severity)) : [];
    return html`<section class="panel" aria-labelledby="sl-title">
      <h2 id="sl-title">Slices and findings</h2>
      <p class="hint">What the scan found. "Show rows" narrows the Datapoints table to a finding's slice.</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!findings && !this.error ? html`<p>Running the scan… (the first request computes it)</p>` : nothing}
      ${findings && !findings.length ? html`<p>The scan found nothing.</p>` : nothing}
      <table class="plain" data-testid="findings">
        ${sorted.length ? html`<thead><tr><th scope="col">severity</th><th scope="col">finding</th><th scope="col">value</th><th scope="col">slice</th></tr></thead>` : nothing}
        <tbody>
          ${sorted.map(
            (f) => html`<tr>
              <td>${f.severity}</td>
              <td><strong>${f.title}</strong><br /><span class="hint">${f.summary}</span></td>
              <td>${f.metric} ${f.value.toFixed(3)}${f.baseline !== undefined ? ` (overall ${f.baseline.toFixed(3)})` : ''}${f.interval ? html`<br /><span class="hint">${(f.interval.level * 100).toFixed(0)}% ${f.interval.method} [${f.interval.low.toFixed(3)}, ${f.interval.high.toFixed(3)}]</span>` : nothing}</td>
              <td>${f.slice?.length ? html`<button data-testid="show-slice" @click=${() => this.#show(f)} aria-label=${`Show rows of ${describeSlice(f.slice)}`}>Show rows</button><br /><code>${describeSlice(f.slice)}</code>` : '—'}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }
}

customElements.define('gb-slices-view', SlicesView);
