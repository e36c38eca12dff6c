import { css } from 'lit';

/** Styles every view shares (inside each shadow root). Contrast ratios meet WCAG AA on the white panels. */
export const theme = css`
  :host {
    display: block;
    font-family: inherit;
    color: #1a1a1a;
  }
  .panel {
    background: #fff;
    border: 1px solid #d8dce2;
    border-radius: 6px;
    padding: 12px 16px;
    margin-bottom: 12px;
  }
  h2 {
    font-size: 1.15rem;
    margin: 0 0 8px;
  }
  h3 {
    font-size: 1rem;
    margin: 12px 0 6px;
  }
  p.hint {
    color: #4a5160;
    margin: 4px 0 8px;
  }
  button {
    font: inherit;
    padding: 4px 12px;
    border: 1px solid #1f5fa8;
    background: #1f5fa8;
    color: #fff;
    border-radius: 4px;
    cursor: pointer;
  }
  button.secondary {
    background: #fff;
    color: #1f5fa8;
  }
  button:disabled {
    background: #8a94a3;
    border-color: #8a94a3;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 2px solid #1f5fa8;
    outline-offset: 2px;
  }
  input,
  select {
    font: inherit;
    padding: 2px 4px;
  }
  table.plain {
    border-collapse: collapse;
  }
  table.plain th,
  table.plain td {
    text-align: left;
    padding: 3px 10px 3px 0;
    border-bottom: 1px solid #eceef2;
    font-variant-numeric: tabular-nums;
  }
  .error {
    color: #a3141a;
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
    margin-right: 4px;
    vertical-align: middle;
  }
  .changed {
    font-weight: 600;
    background: #fff4d6;
  }
  .row {
    display: flex;
    gap: 16px;
    flex-wrap: wrap;
    align-items: flex-start;
  }
`;
