/**
 * The one stylesheet of Auth Lab: the lab page (apps/lab) and both apps' own pages serve this text at `/demo.css`,
 * so the three look like one project (same widths, panes, tables, status lines). The CSP is 'self': no inline style.
 */
export const DEMO_CSS = `*{box-sizing:border-box}
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header.top,.experiments,.race,footer,main{max-width:110rem;margin:0 auto;padding:.75rem 1rem}
h1{font-size:1.4rem;margin:.25rem 0}h2{font-size:1.1rem;margin:.2rem 0 .4rem}h3{font-size:.95rem;margin:.9rem 0 .3rem}h4{font-size:.85rem;margin:.3rem 0}
nav{font-size:.9rem}a{color:#2b59c3}
.lead{max-width:70rem;color:#2c3444}
.hint{color:#5b6475;font-size:.85rem}
section.experiments,section.race,section.pane,main>section{background:#fff;border:1px solid #dde1e8;border-radius:8px}
.experiments,.race{margin:.5rem auto}
.panes{display:grid;grid-template-columns:1fr 1fr;gap:.75rem;max-width:110rem;margin:0 auto;padding:0 1rem}
@media (max-width:900px){.panes{grid-template-columns:1fr}}
.pane{padding:.6rem .9rem;min-width:0}
#s-pane{border-top:4px solid #3b6fd8}#j-pane{border-top:4px solid #b0527a}
.row{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:center;margin:.35rem 0}
label{white-space:nowrap}label.inline{font-size:.85rem}
input,select{font:inherit;padding:.15rem .35rem}
button{font:inherit;padding:.25rem .7rem;cursor:pointer;border:1px solid #b9c0cc;border-radius:5px;background:#f3f5f8}
button:hover{background:#e6eaf0}button:disabled{opacity:.5;cursor:progress}
.exp-buttons{display:flex;flex-wrap:wrap;gap:.4rem}
.badge{display:inline-block;font-size:.78rem;padding:.05rem .45rem;border-radius:9px;background:#eef1f6;border:1px solid #d5dbe5;margin:0 .3rem .2rem 0}
.badge.warn{background:#fff4e0;border-color:#f0c36d}.badge.good{background:#e7f6ec;border-color:#9fd3b0}
.status{font-weight:600;margin:.3rem 0}.ok{color:#126b2f}.bad{color:#a11a1a}.warn{color:#8a5a00}
table{border-collapse:collapse;width:100%;font-size:.85rem}
th,td{text-align:left;padding:.2rem .35rem;border-bottom:1px solid #e5e8ee;vertical-align:top}
table.kv th{width:11rem;color:#4a5366;font-weight:600}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.82rem;word-break:break-all}
pre{background:#1d2330;color:#e8ecf3;padding:.6rem;border-radius:6px;white-space:pre-wrap;word-break:break-all;font-size:.8rem;margin:.2rem 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
.claims{font-family:ui-monospace,Menlo,monospace;font-size:.8rem;background:#f4f6fa;border-radius:6px;padding:.4rem}
.claim{display:block}.claim[title]{cursor:help;text-decoration:underline dotted #8a94a6}
.store table{margin-bottom:.4rem}
.chain{font-family:ui-monospace,Menlo,monospace;font-size:.78rem}
.exp-out .card{border:1px solid #dde1e8;border-radius:6px;padding:.4rem .6rem;margin:.4rem 0;background:#fbfcfe}
.exp-out .card h3{margin:.1rem 0 .3rem}
.verdict-ok{color:#126b2f;font-weight:600}.verdict-bad{color:#a11a1a;font-weight:600}.verdict-warn{color:#8a5a00;font-weight:600}
.frames{display:flex;flex-wrap:wrap;gap:.4rem}.frames iframe{width:12rem;height:5.5rem;border:1px solid #ccd2dc;border-radius:5px;background:#fff}
footer{margin-top:1rem}
.page,header.page{max-width:60rem;margin:0 auto;padding:0 1rem 1rem}
.page>section.pane{margin:.75rem 0}
.status div{margin:.1rem 0}
.legend{font-size:.82rem;color:#4a5366;margin:.3rem 0}.legend dt{font-weight:600;display:inline}.legend dd{display:inline;margin:0 .6rem 0 .2rem}
`
