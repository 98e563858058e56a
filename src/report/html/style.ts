// The report page's stylesheet, inlined into <style> (the CSP allows inline styles only).
export const STYLE = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#ffffff; --soft:#f6f8fa; --accent:#0969da;
  --upvar:#4e79a7; --local:#f28e2b; --awaitee:#59a14f; --warn:#9a6700; --err:#cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 60px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); margin: 2px 0 8px; }
.notice { background: #fff8c5; border: 1px solid #d4a72c66; padding: 6px 10px; border-radius: 6px; margin: 6px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { flex: 1 1 160px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft); }
.card .value { font-size: 22px; font-weight: 600; }
.card .label { color: var(--muted); }
.card .note { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.rules { max-width: 900px; }
.controls { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
.filter { flex: 0 1 320px; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.kind-filter { padding: 4px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
.shown { color: var(--muted); }
.more-rows[hidden] { display: none; }
.more-rows { display: block; margin: 6px auto; padding: 4px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; font: inherit; }
.scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.scroll-x { overflow-x: auto; }
table.items thead th { position: sticky; top: 0; background: var(--soft); z-index: 1; }
table.items th button { all: unset; cursor: pointer; font-weight: 600; }
table.items th[aria-sort="ascending"] button::after { content: " ▲"; font-size: 10px; }
table.items th[aria-sort="descending"] button::after { content: " ▼"; font-size: 10px; }
table.items tbody tr { cursor: pointer; }
table.items tbody tr:hover { background: #f0f6ff; }
table.items tbody tr.selected { background: #ddf4ff; }
table.items td.name { font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", monospace; font-size: 12.5px; word-break: break-all; }
.crumbs { margin: 4px 0 6px; font-size: 13px; }
.crumb { all: unset; color: var(--accent); cursor: pointer; }
.crumb.current { color: var(--fg); font-weight: 600; cursor: default; }
.sep { color: var(--muted); }
svg.treemap { display: block; width: 100%; height: auto; border-radius: 6px; background: var(--soft); }
svg.treemap .cell { cursor: default; }
svg.treemap .cell[data-item] { cursor: pointer; }
svg.treemap .cell rect { stroke: #fff; stroke-width: 1; }
svg.treemap .cell:hover > rect { filter: brightness(1.08); }
svg.treemap .kid rect { stroke: #ffffff88; }
svg.treemap text { font: 11px ui-monospace, "DejaVu Sans Mono", monospace; pointer-events: none; }
svg.treemap text.empty { fill: var(--muted); }
.detail-wrap { margin-top: 24px; border: 1px solid var(--line); border-radius: 8px; padding: 4px 18px 18px; }
.detail h2 { border: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
dl.metrics { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; }
dl.metrics dt { color: var(--muted); }
dl.metrics dd { margin: 0; }
pre.source { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 0; overflow-x: auto; margin: 0; }
pre.source .line { display: block; padding: 0 10px 0 0; }
pre.source .line.awaits { background: #fff8c5; }
pre.source .ln { display: inline-block; width: 4.5em; padding-right: 1em; text-align: right; color: var(--muted); user-select: none; }
pre.source mark.await { background: #ffd33d; border-radius: 3px; padding: 0 1px; font-weight: 600; }
pre.source .more { color: var(--muted); padding-left: 5.5em; }
svg.state-diagram text { font: 12px system-ui, sans-serif; }
svg.state-diagram .caption, svg.layout-bars .caption { fill: var(--muted); font-size: 12px; }
svg.state-diagram .state rect { fill: #fff; stroke: #57606a; stroke-width: 1.5; }
svg.state-diagram .state.suspend rect { fill: #ddf4ff; stroke: var(--accent); }
svg.state-diagram .state.panicked rect { fill: #ffebe9; stroke: var(--err); }
svg.state-diagram .state.boxed rect { stroke: #9a6700; stroke-width: 2.5; stroke-dasharray: 6 3; }
svg.state-diagram .state-name { font-weight: 600; }
svg.state-diagram .state-detail { fill: var(--muted); font-size: 11px; }
svg.state-diagram .edge { fill: none; stroke: #555; stroke-width: 1.3; }
svg.state-diagram .edge.loop { stroke: var(--accent); }
svg.state-diagram .edge.panic { stroke: var(--err); stroke-dasharray: 4 3; opacity: .6; }
svg.state-diagram .edge-label { fill: var(--muted); font-size: 11px; }
svg.layout-bars text { font: 12px system-ui, sans-serif; }
svg.layout-bars .bar-label { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
svg.layout-bars .unused, svg.layout-bars .legend.unused { fill: #eaeef2; }
svg.layout-bars .f-upvar rect, svg.layout-bars rect.f-upvar { fill: var(--upvar); }
svg.layout-bars .f-local rect, svg.layout-bars rect.f-local { fill: var(--local); }
svg.layout-bars .f-awaitee rect, svg.layout-bars rect.f-awaitee { fill: var(--awaitee); }
svg.layout-bars .seg rect { stroke: #fff; stroke-width: .5; }
svg.layout-bars .seg-label { fill: #fff; font-size: 11px; pointer-events: none; }
svg.layout-bars .waste { fill: var(--err); font-size: 11px; }
svg.layout-bars .legend-label { fill: var(--muted); font-size: 11px; }
ul.awaitees { margin: 0; padding-left: 18px; }
ul.awaitees .num { display: inline-block; min-width: 6em; }
/* Off-screen findings skip layout and paint until scrolled to: a 2,000-item report has hundreds. */
.finding { content-visibility: auto; contain-intrinsic-size: auto 140px; border: 1px solid var(--line); border-left: 4px solid var(--warn); border-radius: 6px; padding: 8px 12px; margin: 8px 0; }
.finding.error { border-left-color: var(--err); }
.finding .finding-head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.finding .sev { font-weight: 600; color: var(--warn); }
.finding .sev.error { color: var(--err); }
.finding .where { color: var(--muted); font-family: ui-monospace, monospace; font-size: 12.5px; }
.finding .message { margin: 4px 0; }
.finding .help, .finding .fix, .finding .caveat { margin: 4px 0; color: var(--muted); }
pre.diff { background: var(--soft); border-radius: 6px; padding: 6px 10px; overflow-x: auto; margin: 4px 0; }
pre.diff .add { color: #116329; background: #dafbe1; display: block; }
pre.diff .del { color: #82071e; background: #ffebe9; display: block; }
pre.diff .ctx { display: block; }
pre.diff .meta { color: var(--muted); display: block; }
button.link { all: unset; color: var(--accent); cursor: pointer; font-family: ui-monospace, monospace; font-size: 12.5px; word-break: break-all; }
button.link:hover { text-decoration: underline; }
.fatal { color: var(--err); padding: 20px; }
@media print { .finding { content-visibility: visible; } .scroll { max-height: none; } }
`;
