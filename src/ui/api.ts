import type {
  AttributionJson,
  CounterfactualResult,
  DatasetInfo,
  FairnessStrategy,
  FeatureRow,
  IceCurves,
  ProjectionResult,
  RowsPage,
  TextAttribution,
  FindingJson,
} from './api-types.js';

/** An error the server answered with: its status and its message (the same text the CLI prints). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The first page load carries ?token=; the server answers it with an HttpOnly cookie. The token is also
// kept for a Bearer header, and dropped from the address bar so it does not end up in history or screenshots.
const token = new URLSearchParams(location.search).get('token');
if (token) history.replaceState(null, '', location.pathname + location.hash);

async function request<T>(path: string, init: RequestInit = {}, signal?: AbortSignal): Promise<T> {
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin', signal });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const message = (body as { error?: { message?: string }; message?: string } | undefined)?.error?.message ?? (body as { message?: string } | undefined)?.message ?? response.statusText;
    throw new ApiError(response.status, message);
  }
  return body as T;
}

const query = (params: Record<string, string | number | undefined>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
  return q.toString();
};

const post = <T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> => request<T>(path, { method: 'POST', body: JSON.stringify(body) }, signal);

/** The dashboard's calls, one per API route (src/server). */
export const api = {
  info: (): Promise<DatasetInfo> => request('/api/meta'),
  rows: (offset: number, limit: number, filter?: string, signal?: AbortSignal): Promise<RowsPage> => request(`/api/rows?${query({ offset, limit, filter })}`, {}, signal),
  predict: (rows: readonly FeatureRow[], signal?: AbortSignal): Promise<{ classes: string[]; outputs: number[][] }> => post('/api/predict', { rows }, signal),
  explain: (row: FeatureRow, method?: string, signal?: AbortSignal): Promise<AttributionJson> => post('/api/explain', { row, method }, signal),
  counterfactual: (row: FeatureRow, options: { method: 'dice' | 'nearest'; mutable?: string[]; count?: number }): Promise<CounterfactualResult> => post('/api/counterfactual', { row, ...options }),
  pdp: (feature: string, selected: { rowId: number } | { row: FeatureRow }): Promise<IceCurves> =>
    request(`/api/pdp?${query({ feature, ...('rowId' in selected ? { rowId: selected.rowId } : { row: JSON.stringify(selected.row) }) })}`),
  findings: (): Promise<{ findings: FindingJson[] }> => request('/api/findings'),
  fairness: (strategy: string, attribute?: string, thresholds?: Record<string, number>): Promise<FairnessStrategy> => post('/api/fairness/strategy', { strategy, attribute, thresholds }),
  imageAttribution: (rowId: number): Promise<{ rowId: number; shape: number[]; pixels: number[]; attribution: AttributionJson }> => post('/api/image-attribution', { rowId }),
  textAttribution: (rowId: number): Promise<TextAttribution> => post('/api/text-attribution', { rowId }),
  projection: (method: string): Promise<ProjectionResult> => request(`/api/projection?${query({ method })}`),
};

/** The table's first page, requested with /api/meta when the page loads so the two travel together (first paint). */
let firstPage: Promise<RowsPage> | undefined = api.rows(0, 200);

/** The prefetched first unfiltered page, once; later calls fetch. */
export function takeFirstPage(): Promise<RowsPage> {
  const page = firstPage ?? api.rows(0, 200);
  firstPage = undefined;
  return page;
}
