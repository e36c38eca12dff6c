export const REPORT_CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2rem; }
.meta { color: #57606a; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .88rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
.sev { display: inline-block; border-radius: 1rem; padding: .05rem .6rem; font-size: .8rem; font-weight: 600; color: #fff; }
.sev-info { background: #6e7781; } .sev-low { background: #1a7f37; } .sev-medium { background: #bf8700; } .sev-high { background: #cf222e; } .sev-critical { background: #82071e; }
.ci { color: #57606a; font-size: .8rem; } ul.related { margin: .4rem 0; padding-left: 1rem; font-size: .85rem; } ul.related li { margin: .2rem 0; } .summary p { margin: .2rem 0; }
pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .8rem; }
details pre { background: #f6f8fa; padding: .5rem; overflow-x: auto; font-size: .75rem; max-height: 16rem; }
figure { margin: 1rem 0; } figcaption { color: #57606a; font-size: .85rem; } .chart svg { max-width: 100%; height: auto; }
code { background: #f6f8fa; padding: 0 .2rem; border-radius: 3px; }
.warnings { border: 1px solid #bf8700; border-left-width: .35rem; background: #fff8c5; padding: .3rem .9rem; margin: .8rem 0; font-size: .9rem; }
.warnings ul { margin: .2rem 0 .4rem; padding-left: 1.2rem; }
.zoom { display: inline-block; cursor: zoom-in; }
.zoom input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.zoom input:focus-visible + img { outline: 2px solid #0969da; }
.zoom img { display: block; image-rendering: pixelated; }
.zoom input:checked + img { position: fixed; inset: 0; margin: auto; width: min(85vw, 85vh); height: auto; z-index: 10; cursor: zoom-out; box-shadow: 0 0 0 100vmax rgba(0, 0, 0, .75); }
.image-grid table { width: auto; } .image-grid td { padding: .25rem; }
.image-grid th[scope="row"] { font-weight: 400; font-size: .8rem; max-width: 11rem; }
.image-grid td img { width: 96px; height: 96px; }
.text-attr .tokens { line-height: 1.7; overflow-wrap: anywhere; }
.text-attr details.more { display: inline; } .text-attr details.more summary { display: inline; cursor: pointer; color: #0969da; }
.text-attr details.more[open] summary { display: block; }
`;
