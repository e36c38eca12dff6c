/**
 * Content a detector or command hands to the report writers. Writers (HTML, Markdown) decide how to
 * show each block; analyses only describe what to show.
 */
export type ReportBlock =
  | { readonly kind: 'text'; readonly markdown: string }
  | { readonly kind: 'table'; readonly caption?: string; readonly columns: readonly string[]; readonly rows: readonly (readonly (string | number | null)[])[] }
  | { readonly kind: 'chart'; readonly caption?: string; readonly spec: Readonly<Record<string, unknown>> }
  | { readonly kind: 'image'; readonly caption?: string; readonly pngBase64: string; readonly width?: number }
  | { readonly kind: 'highlighted-text'; readonly caption?: string; readonly tokens: readonly string[]; readonly weights: readonly number[] }
  | { readonly kind: 'image-grid'; readonly caption?: string; readonly columns: readonly string[]; readonly rows: readonly ImageGridRow[] };

/**
 * One row of an image grid: a title (e.g. "row 4813 · label 4 → predicted 6 · p=0.994") and one PNG
 * per column (base64), e.g. the input and its attribution maps. Writers show thumbnails that enlarge.
 */
export interface ImageGridRow {
  readonly title: string;
  readonly images: readonly string[];
}

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly ReportBlock[];
}
