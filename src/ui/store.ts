import type { DataRow, DatasetInfo, Predicate } from './api-types.js';

export type ColourBy = 'label' | 'prediction' | 'error' | 'slice';

/** A set of rows the table is narrowed to, and where it came from (a slice, a lasso, a filter). */
export interface RowFilter {
  readonly source: string;
  readonly rowIds?: readonly number[];
  readonly predicates?: readonly Predicate[];
  /** Rows it keeps, when known. */
  readonly size?: number;
}

export interface DashboardState {
  readonly info: DatasetInfo | undefined;
  readonly colourBy: ColourBy;
  readonly filter: RowFilter | undefined;
  /** Rows of the slice chosen for colouring by slice. */
  readonly sliceRows: ReadonlySet<number>;
  readonly selected: DataRow | undefined;
  readonly view: string;
}

/**
 * The dashboard's shared state: one object replaced on every change, and a `change` event. Views read it and
 * write patches; nothing else is shared between them.
 */
export class Store extends EventTarget {
  #state: DashboardState = { info: undefined, colourBy: 'label', filter: undefined, sliceRows: new Set(), selected: undefined, view: 'datapoints' };

  get state(): DashboardState {
    return this.#state;
  }

  set(patch: Partial<DashboardState>): void {
    this.#state = { ...this.#state, ...patch };
    this.dispatchEvent(new Event('change'));
  }
}

export const store = new Store();
