/** @module The monitoring summary as one self-contained HTML page: inline SVG charts, inline CSS, no external assets, no script. */
import type { MonitoringSummary } from './summary.js';
import type { PackIncident, PackManifest } from './pack-types.js';

const COLORS = { allowed: '#4c9f70', blocked: '#c0392b', refused: '#e67e22', other: '#7f8c8d' } as const;

export function renderSummaryHtml(s: MonitoringSummary, manifest: PackManifest, incidents: readonly PackIncident[]): string {
  const t = s.totals;
  const range = `${s.range.from ?? 'beginning'} — ${s.range.to ?? manifest.createdAt}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Warden evidence pack — monitoring summary</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1000px;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee}
th{background:#f6f6f6}td.n{text-align:right;font-variant-numeric:tabular-nums}.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{border:1px solid #ddd;border-radius:6px;padding:.6rem 1rem;min-width:8rem}.card b{display:block;font-size:1.4rem}
.legend span{display:inline-block;margin-right:1rem}.sw{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.overdue{color:#c0392b;font-weight:bold}code{background:#f3f3f3;padding:0 .2rem}
</style></head><body>
<h1>Warden evidence pack — monitoring summary</h1>
<p>Period: ${esc(range)}. Generated ${esc(manifest.createdAt)}. Chains: ${manifest.chains.map((c) => `${esc(c.chain)} (events ${c.firstSeq}–${c.lastSeq})`).join(', ') || 'none'}.</p>
<div class="cards">
${card('Requests', t.requests)}${card('Allowed', t.allowed)}${card('Blocked by guardrails', t.blocked)}${card('Refused', t.refused)}
${card('Restricted', t.restricted)}${card('Fallbacks', t.fallback)}${card('Upstream errors', t.upstreamErrors)}${card('Control changes', t.changes)}
${card('Incidents (open)', `${s.incidents.total} (${s.incidents.open})`)}
</div>
<h2>Requests per day</h2>
<p class="legend">${(['allowed', 'blocked', 'refused', 'other'] as const).map((k) => `<span><i class="sw" style="background:${COLORS[k]}"></i>${k === 'refused' ? 'refused / restricted' : k}</span>`).join('')}</p>
${dayChart(s)}
<h2>Guardrail blocks by scanner</h2>
${barChart(Object.entries(s.blocksByScanner), COLORS.blocked)}
<h2>Restrictions per model</h2>
${table(['Model', 'Requests', 'Refused by restriction', 'Restrictions created', 'Restrictions lifted'],
    Object.entries(s.restrictionsByModel).map(([m, r]) => [m, s.requestsByModel[m] ?? 0, r.enforced, r.created, r.lifted]))}
<h2>Refusals and errors by code</h2>
${barChart(Object.entries(s.refusalsByCode), COLORS.refused)}
<h2>Per day</h2>
${table(['Day', 'Requests', 'Allowed', 'Blocked', 'Redacted', 'Flagged', 'Refused', 'Restricted', 'Fallback', 'Upstream errors', 'Tokens in', 'Tokens out', 'Changes'],
    s.byDay.map((d) => [d.day, d.requests, d.allowed, d.blocked, d.redacted, d.flagged, d.refused, d.restricted, d.fallback, d.upstreamErrors, d.inputTokens, d.outputTokens, d.changes]))}
<h2>Incidents</h2>
${incidents.length === 0 ? '<p>No incidents in this period.</p>' : table(['Id', 'Title', 'Severity', 'Serious', 'Detected', 'Status', 'Art. 73 report by'],
    incidents.map((i) => [i.id, i.title, i.severity, i.serious ?? '—', new Date(i.detectedAt).toISOString(), i.status,
      i.deadline ? { html: `<span class="${i.deadline.overdue ? 'overdue' : ''}">${esc(i.deadline.reportBy)}${i.deadline.overdue ? ' (overdue)' : ''}</span>` } : '—']))}
<h2>How to check this pack</h2>
<p>Run <code>warden audit verify --pack DIR --json</code> on the pack directory. It re-hashes every event, checks the hash chain,
recomputes the Merkle roots and checks the Ed25519 signatures of the checkpoints; see README.md. This page is derived from
<code>summary.json</code> and carries no evidence of its own.</p>
</body></html>
`;
}

type Cell = string | number | { html: string };

function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  if (rows.length === 0) return '<p>None.</p>';
  const cell = (c: Cell): string => typeof c === 'number' ? `<td class="n">${c.toLocaleString('en-US')}</td>` : typeof c === 'string' ? `<td>${esc(c)}</td>` : `<td>${c.html}</td>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

function card(label: string, value: number | string): string {
  return `<div class="card">${esc(label)}<b>${esc(typeof value === 'number' ? value.toLocaleString('en-US') : value)}</b></div>`;
}

/** Stacked bars, one per day. */
function dayChart(s: MonitoringSummary): string {
  const days = s.byDay.slice(-120);
  if (days.length === 0) return '<p>No requests.</p>';
  const W = 960;
  const H = 220;
  const pad = 30;
  const max = Math.max(1, ...days.map((d) => d.requests));
  const bw = Math.max(2, Math.floor((W - pad) / days.length) - 2);
  const bars = days.map((d, i) => {
    const x = pad + i * (bw + 2);
    const parts: [number, string][] = [[d.allowed + d.redacted + d.flagged, COLORS.allowed], [d.blocked, COLORS.blocked],
      [d.refused + d.restricted, COLORS.refused], [d.fallback + d.upstreamErrors, COLORS.other]];
    let y = H - 20;
    return parts.map(([n, color]) => {
      const h = (n / max) * (H - 40);
      y -= h;
      return n > 0 ? `<rect x="${x}" y="${y.toFixed(1)}" width="${bw}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(d.day)}: ${n}</title></rect>` : '';
    }).join('');
  }).join('');
  const first = days[0]?.day ?? '';
  const last = days[days.length - 1]?.day ?? '';
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="requests per day">
<line x1="${pad}" y1="${H - 20}" x2="${W}" y2="${H - 20}" stroke="#999"/><text x="0" y="14" font-size="11">${max}</text>${bars}
<text x="${pad}" y="${H - 4}" font-size="11">${esc(first)}</text><text x="${W}" y="${H - 4}" font-size="11" text-anchor="end">${esc(last)}</text></svg>`;
}

/** Horizontal bars, largest first. */
function barChart(entries: readonly [string, number][], color: string): string {
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, 30);
  if (rows.length === 0) return '<p>None.</p>';
  const max = Math.max(1, ...rows.map((r) => r[1]));
  const H = rows.length * 22 + 4;
  const bars = rows.map(([k, v], i) => {
    const w = (v / max) * 600;
    return `<text x="0" y="${i * 22 + 15}" font-size="12">${esc(k.length > 40 ? `${k.slice(0, 39)}…` : k)}</text>` +
      `<rect x="300" y="${i * 22 + 3}" width="${w.toFixed(1)}" height="16" fill="${color}"/><text x="${(305 + w).toFixed(1)}" y="${i * 22 + 15}" font-size="12">${v}</text>`;
  }).join('');
  return `<svg viewBox="0 0 960 ${H}" width="100%" role="img">${bars}</svg>`;
}

/** Everything shown comes from tenants, keys and models that callers chose: escape it all. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
