/**
 * The decision report's stylesheet, inlined in its one HTML file.
 *
 * On screen: docs/interface.md — black, white, a 1px #333 grid, radius 0, no shadows, acid lime accents,
 * green positive, red risk, blue MEASURING; JetBrains Mono for numbers, the system sans-serif for
 * labels. In print (`@media print`, also what the PDF is made from): white paper, black text,
 * thin grey rules, outlined badges instead of filled ones, the light version of each chart — no
 * wasted ink. Page breaks never cut a table row, a chart, a card or a warning, headings stay with
 * what follows them, and table headers repeat on every page (`thead` as a header group).
 */
export const REPORT_CSS = `
:root {
  --bg: #000000; --fg: #ffffff; --muted: #a6a6a6; --line: #333333; --line-strong: #555555;
  --acid: #ccff00; --pos: #00ff94; --neg: #ff3366; --blue: #4da3ff; --panel: #0a0a0a;
  --mono: 'JetBrains Mono', ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
  --sans: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
  color-scheme: dark;
}
*, *::before, *::after { box-sizing: border-box; border-radius: 0; box-shadow: none; }
html, body { margin: 0; padding: 0; background: var(--bg); color: var(--fg); }
body { font: 13px/1.5 var(--sans); -webkit-font-smoothing: antialiased; }
.page { max-width: 1120px; margin: 0 auto; border-left: 1px solid var(--line); border-right: 1px solid var(--line); }
h1, h2, h3 { margin: 0; font-weight: 700; }
h1 { font: 700 26px/1.2 var(--mono); letter-spacing: -0.01em; word-break: break-word; }
h2 { font: 700 11px/1 var(--sans); letter-spacing: 0.14em; text-transform: uppercase; color: var(--muted); margin-bottom: 12px; }
h3 { font: 700 11px/1.2 var(--sans); letter-spacing: 0.08em; text-transform: uppercase; margin-bottom: 8px; }
p { margin: 0; }
.mono, .num, code, td.num, th.num { font-family: var(--mono); font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.pos { color: var(--pos); }
.neg { color: var(--neg); }
section { border-bottom: 1px solid var(--line); padding: 20px 24px; }
section:last-of-type { border-bottom: 0; }

.mast { display: flex; justify-content: space-between; align-items: stretch; border-bottom: 1px solid var(--line); font: 11px var(--mono); text-transform: uppercase; letter-spacing: 0.1em; }
.mast .brand { display: flex; gap: 10px; align-items: center; padding: 12px 24px; border-right: 1px solid var(--line); font-weight: 700; letter-spacing: 0.16em; }
.mast .brand i { width: 10px; height: 10px; background: var(--acid); display: inline-block; }
.mast .stamp { display: flex; align-items: center; gap: 18px; padding: 12px 24px; color: var(--muted); border-left: 1px solid var(--line); }

.title { padding: 28px 24px 20px; }
.title .sub { margin-top: 8px; color: var(--muted); font-size: 13px; }
.title .sub b { color: var(--fg); font: 600 13px var(--mono); }

.verdict { display: grid; grid-template-columns: auto 1fr; gap: 14px 20px; align-items: start; border-left: 6px solid var(--line-strong); }
.verdict[data-verdict='winner'] { border-left-color: var(--pos); }
.verdict[data-verdict='loser'] { border-left-color: var(--neg); }
.verdict[data-verdict='not_ready'] { border-left-color: var(--acid); }
.verdict .badge { font-size: 13px; padding: 7px 10px; margin-top: 2px; }
.verdict .headline { font: 700 19px/1.4 var(--mono); }
.verdict .next { grid-column: 2; display: flex; flex-wrap: wrap; gap: 6px 28px; font: 12px var(--mono); color: var(--muted); }
.verdict .next .label { font: 600 10px var(--sans); letter-spacing: 0.1em; text-transform: uppercase; margin-right: 6px; }
.verdict .next strong { color: var(--fg); }

.badge { display: inline-block; font: 700 10px/1 var(--mono); letter-spacing: 0.08em; text-transform: uppercase; padding: 4px 6px; border: 1px solid currentColor; white-space: nowrap; vertical-align: middle; }
.badge.winner, .badge.proven, .badge.permanent { color: var(--bg); background: var(--pos); border-color: var(--pos); }
.badge.loser, .badge.rolled_back { color: var(--bg); background: var(--neg); border-color: var(--neg); }
.badge.inconclusive, .badge.draft { color: var(--muted); }
.badge.not_ready, .badge.pending_approval { color: var(--acid); }
.badge.measuring { color: var(--blue); }
.badge.active { color: var(--pos); }
.badge.tag { color: var(--muted); border-color: var(--line-strong); font-weight: 400; }
.badge.block { color: var(--neg); }
.badge.warn { color: var(--fg); border-color: var(--line-strong); }

dl.facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); margin: 0; border-top: 1px solid var(--line); border-left: 1px solid var(--line); }
dl.facts > div { padding: 10px 12px; border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); min-width: 0; }
dl.facts dt { font: 600 10px var(--sans); letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); margin-bottom: 4px; }
dl.facts dd { margin: 0; font: 13px var(--mono); overflow-wrap: anywhere; }
dl.facts.three { grid-template-columns: repeat(3, minmax(0, 1fr)); }
dl.facts.spaced { margin-top: 14px; }
.mono.small { font-size: 11px; }
h3.spaced { margin-top: 18px; }

.warnings { display: grid; gap: 0; border-top: 1px solid var(--line); }
.warning { display: grid; grid-template-columns: 220px 1fr auto; gap: 12px; padding: 9px 12px; border: 1px solid var(--line); border-top: 0; border-left: 4px solid var(--line-strong); }
.warning.blocking { border-left-color: var(--neg); }
.warning .code { font: 700 11px var(--mono); text-transform: uppercase; letter-spacing: 0.05em; }
.warning.blocking .code { color: var(--neg); }
.warning .detail { font: 11px var(--mono); color: var(--muted); white-space: nowrap; }

table { border-collapse: collapse; width: 100%; }
.table-wrap { overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { font: 600 10px var(--sans); letter-spacing: 0.08em; text-transform: uppercase; color: var(--muted); background: var(--panel); white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.num { font-size: 12px; }
th.metric-name { font: 700 12px var(--mono); white-space: nowrap; }
th.metric-name .badges { margin-top: 5px; display: flex; flex-wrap: wrap; gap: 4px; }
th.variant { font: 400 12px var(--mono); white-space: nowrap; }
td .ci { color: var(--muted); font-size: 11px; }
td.pos .est { color: var(--pos); }
td.neg .est { color: var(--neg); }
tr.control-row td.num { color: var(--muted); }
.errcode { display: block; font: 10px var(--mono); color: var(--neg); margin-top: 2px; }
table.compact td, table.compact th { padding: 5px 8px; font-size: 12px; }
td.hash { font: 11px var(--mono); overflow-wrap: anywhere; min-width: 180px; }
td.wrap { overflow-wrap: anywhere; }
tfoot td { font-weight: 700; }
.note { margin-top: 10px; color: var(--muted); font-size: 11px; }

.charts { display: block; }
figure { margin: 0; padding: 14px 14px 12px; border: 1px solid var(--line); }
figure + figure { border-top: 0; }
figure .svg svg { display: block; width: 100%; height: auto; }
figure .chart-light { display: none; }
figcaption { margin-top: 8px; color: var(--muted); font-size: 11px; }

.srm { margin-top: 12px; font: 12px var(--mono); }
.srm.flagged { color: var(--neg); }

.card { border: 1px solid var(--line); }
.card-head { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; padding: 12px 14px; border-bottom: 1px solid var(--line); }
.card-head .id { font: 700 14px var(--mono); }
.card-head .ver { font: 11px var(--mono); color: var(--muted); }
.armed { padding: 8px 14px; border-bottom: 1px solid var(--line); font: 700 11px var(--mono); letter-spacing: 0.08em; color: var(--acid); }
.armed.off { color: var(--muted); font-weight: 400; }
.card dl.facts { border-top: 0; border-left: 0; }
.card dl.facts > div:nth-child(3n) { border-right: 0; }

ol.timeline { list-style: none; margin: 16px 0 0 6px; padding: 0; border-left: 1px solid var(--line-strong); }
ol.timeline li { position: relative; margin-left: 18px; padding: 0 0 14px; }
ol.timeline li::before { content: ''; position: absolute; left: -23px; top: 3px; width: 9px; height: 9px; background: var(--bg); border: 1px solid var(--fg); box-sizing: border-box; }
ol.timeline li.decision::before { background: var(--acid); border-color: var(--acid); }
ol.timeline .when { font: 11px var(--mono); color: var(--muted); }
ol.timeline .what { margin-top: 3px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font: 12px var(--mono); }
ol.timeline .why { margin-top: 3px; font-size: 12px; }
ol.timeline .meta { margin-top: 2px; font: 10px var(--mono); color: var(--muted); overflow-wrap: anywhere; }

footer.foot { padding: 16px 24px 28px; color: var(--muted); font-size: 11px; border-top: 1px solid var(--line); }
footer.foot p + p { margin-top: 6px; }

@media screen and (max-width: 760px) {
  dl.facts, dl.facts.three { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .warning { grid-template-columns: 1fr; }
}

@page { size: A4; margin: 13mm 11mm 15mm 11mm; }
@media print {
  :root {
    --bg: #ffffff; --fg: #000000; --muted: #4a4a4a; --line: #c4c4c4; --line-strong: #8a8a8a;
    --acid: #000000; --pos: #006b3c; --neg: #b00020; --blue: #0b5cad; --panel: transparent;
    color-scheme: light;
  }
  html, body { background: #ffffff; color: #000000; }
  body { font-size: 9pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .page { max-width: none; border: 0; }
  section { padding: 10pt 0; }
  .mast .brand, .mast .stamp { padding: 0 0 6pt; border: 0; }
  .mast .brand i { background: #000000; }
  .title { padding: 12pt 0 8pt; }
  h1 { font-size: 17pt; }
  .verdict { border-left-width: 4pt; padding-left: 10pt; }
  .verdict .headline { font-size: 12.5pt; }
  .badge, .badge.winner, .badge.proven, .badge.permanent, .badge.loser, .badge.rolled_back { background: transparent; color: var(--fg); border-color: currentColor; }
  .badge.winner, .badge.proven, .badge.permanent { color: var(--pos); }
  .badge.loser, .badge.rolled_back { color: var(--neg); }
  dl.facts dd { font-size: 8.5pt; }
  dl.facts > div { padding: 5pt 7pt; }
  th, td { padding: 3pt 5pt; }
  td.num, th.metric-name, th.variant { font-size: 7.5pt; }
  td .ci { font-size: 7pt; }
  thead th { font-size: 6.5pt; letter-spacing: 0.04em; }
  thead { display: table-header-group; }
  tfoot { display: table-footer-group; }
  table.compact td, table.compact th { font-size: 7.5pt; }
  td.hash { font-size: 6.5pt; }
  figure { padding: 8pt; }
  figure .chart-dark { display: none; }
  figure .chart-light { display: block; }
  .armed { color: #000000; }
  ol.timeline li::before { background: #ffffff; border-color: #000000; }
  ol.timeline li.decision::before { background: #000000; border-color: #000000; }
  footer.foot { padding: 10pt 0 0; }
  tr, figure, .card-head, .warning, .verdict, dl.facts > div, ol.timeline li, .keep { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section.charts-section, section.changeset { break-before: auto; }
  .table-wrap { overflow: visible; }
}
`;
