/*
 * The README's picture of the scaler on the diurnal trace: demand, the scaler's in-service capacity and
 * the oracle's, minute by minute (bench/scaler: the same simulation and oracle as the benchmark).
 * Self-written SVG (no chart dependency), rendered to PNG with @resvg/resvg-js, offline.
 *
 *   npm run docs:scaler   # writes docs/scaler-diurnal.png
 */
import * as fs from 'fs';
import * as path from 'path';
import { Resvg } from '@resvg/resvg-js';
import { oracle, staticForPeak } from '../bench/scaler/oracle';
import { resolveParams, simulate } from '../bench/scaler/simulate';
import { parseTrace } from '../bench/scaler/trace';

const TRACE = path.join(__dirname, '..', 'bench', 'scaler', 'traces', 'diurnal.csv');
const OUT = path.join(__dirname, '..', 'docs', 'scaler-diurnal.png');
const W = 1200;
const H = 420;
const PAD = { left: 56, right: 16, top: 44, bottom: 56 };

const params = resolveParams();
const demand = parseTrace(fs.readFileSync(TRACE, 'utf8'));
const sim = simulate(demand, params);
const best = oracle(demand, params);
const flat = staticForPeak(demand, params);
const demandMu = demand.map((d) => d / params.tokensPerMuMinute);

const T = demand.length;
const yMax = Math.ceil(Math.max(...demandMu, ...sim.capacity, ...best.capacity) + 1);
const px = (t: number) => PAD.left + (t / (T - 1)) * (W - PAD.left - PAD.right);
const py = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);

/** A polyline; `step` draws capacity as steps (it changes at whole minutes). */
function line(values: number[], color: string, width: number, step: boolean, dash = ''): string {
  const pts: string[] = [];
  values.forEach((v, t) => {
    if (step && t > 0) pts.push(`${px(t).toFixed(1)},${py(values[t - 1]).toFixed(1)}`);
    pts.push(`${px(t).toFixed(1)},${py(v).toFixed(1)}`);
  });
  return `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
}

const parts: string[] = [];
for (let v = 0; v <= yMax; v += 2) {
  parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${py(v)}" y2="${py(v)}" stroke="#eaeded"/>`);
  parts.push(`<text x="${PAD.left - 8}" y="${py(v) + 4}" font-size="11" text-anchor="end" fill="#545b64">${v}</text>`);
}
for (let h = 0; h * 60 < T; h += 6) {
  parts.push(`<line x1="${px(h * 60)}" x2="${px(h * 60)}" y1="${PAD.top}" y2="${H - PAD.bottom}" stroke="#f2f3f3"/>`);
  parts.push(`<text x="${px(h * 60)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle" fill="#545b64">${h % 24 === 0 ? `day ${h / 24 + 1}` : `${h % 24}:00`}</text>`);
}
parts.push(line(demandMu, '#aab7b8', 1, false));
parts.push(line(best.capacity, '#2ca02c', 1.6, true));
parts.push(line(sim.capacity, '#1f77b4', 1.6, true));
parts.push(line(Array(T).fill(flat.modelUnits), '#d62728', 1.2, false, '6 4'));
parts.push(`<text x="${PAD.left}" y="24" font-size="15" font-weight="bold" fill="#232f3e">ThroughputScaler on the diurnal trace (3 days; creation delay ${params.creationDelayMinutes} min, ${params.billingMinutes}-min billing)</text>`);
parts.push(`<text x="${PAD.left - 40}" y="${PAD.top - 8}" font-size="11" fill="#545b64">model units</text>`);
const legend: Array<[string, string]> = [
  ['#aab7b8', `demand (MU-equivalent)`],
  ['#1f77b4', `scaler: ${sim.muHours.toFixed(0)} MU-h, ${sim.throttledMinutes} throttled min, ${sim.actions} actions`],
  ['#2ca02c', `oracle: ${best.muHours.toFixed(0)} MU-h, ${best.throttledMinutes} throttled min`],
  ['#d62728', `static for the peak (${flat.modelUnits} MU): ${flat.muHours.toFixed(0)} MU-h`],
];
legend.forEach(([color, label], i) => {
  const x = PAD.left + i * 285;
  const y = H - 18;
  parts.push(`<rect x="${x}" y="${y - 9}" width="14" height="4" fill="${color}"/>`);
  parts.push(`<text x="${x + 20}" y="${y - 4}" font-size="11" fill="#232f3e">${label}</text>`);
});

const svg = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">`,
  `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ...parts,
  '</svg>',
].join('\n');
const png = new Resvg(svg, { font: { loadSystemFonts: true } }).render().asPng();
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, png);
console.log(`wrote ${path.relative(process.cwd(), OUT)} (${png.length} bytes)`);
