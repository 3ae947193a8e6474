/*
 * The README's picture of the monitoring dashboards, drawn from the dashboard bodies BedrockMonitoring
 * synthesizes (nothing drawn by hand): synthesizes a stack in-process, reads each
 * AWS::CloudWatch::Dashboard body, and renders its widgets on CloudWatch's 24-column grid as SVG.
 * A tiny self-written renderer (no dependency, offline): each widget a titled panel, each metric a
 * legend entry with a sample sparkline (deterministic: seeded by the metric's label, not data).
 *
 *   npm run docs:dashboard   # writes docs/dashboard.svg
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { BedrockModel } from '../lib';
import { BedrockMonitoring } from '../lib/observability';

const ENV = { account: '123456789012', region: 'us-east-1' };
const OUT = path.join(__dirname, '..', 'docs', 'dashboard.svg');

const UNIT_W = 44;
const UNIT_H = 34;
const GAP = 6;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** The dashboards of a representative monitoring: default models, a quota, a guardrail. */
function synthesizeBodies(): Array<{ title: string; body: any }> {
  const app = new App();
  const stack = new Stack(app, 'DashboardPicture', { env: ENV });
  new BedrockMonitoring(stack, 'Monitoring', {
    models: [
      BedrockModel.foundationModel('amazon.nova-micro-v1:0'),
      BedrockModel.foundationModel('amazon.nova-lite-v1:0'),
      BedrockModel.foundationModel('amazon.nova-pro-v1:0'),
      BedrockModel.crossRegionProfile('us.anthropic.claude-sonnet-4-5-20250929-v1:0'),
    ],
    quotas: { 'amazon.nova-pro-v1:0': 2_000_000, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0': 1_000_000 },
    guardrails: [{ guardrailArn: `arn:aws:bedrock:${ENV.region}:${ENV.account}:guardrail/abc123def456`, guardrailVersion: '1' }],
    dashboardName: 'bedrock-platform',
  });
  const template = app.synth().getStackByName('DashboardPicture').template;
  return Object.values(template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::CloudWatch::Dashboard')
    .map((r) => ({ title: r.Properties.DashboardName, body: JSON.parse(resolve(r.Properties.DashboardBody)) }));
}

/** Enough of CloudFormation's intrinsics for a dashboard body: Fn::Join, Ref, Fn::GetAtt (alarm ARNs). */
function resolve(value: any): any {
  if (typeof value === 'string' || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(resolve);
  if ('Fn::Join' in value) return (value['Fn::Join'][1] as any[]).map(resolve).join(value['Fn::Join'][0]);
  if ('Ref' in value) return { 'AWS::Region': ENV.region, 'AWS::AccountId': ENV.account, 'AWS::Partition': 'aws' }[value.Ref as string] ?? value.Ref;
  if ('Fn::GetAtt' in value) return `arn:aws:cloudwatch:${ENV.region}:${ENV.account}:alarm:${value['Fn::GetAtt'][0]}`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(s: string, chars: number): string {
  return s.length <= chars ? s : `${s.slice(0, Math.max(chars - 1, 1))}…`;
}

/** A stable pseudo-random sequence per label (FNV-1a seed, LCG). */
function series(seed: string, n: number): number[] {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const out: number[] = [];
  let v = 0.5;
  for (let i = 0; i < n; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    v = Math.min(0.95, Math.max(0.05, v + ((h / 2 ** 32) - 0.5) * 0.35));
    out.push(v);
  }
  return out;
}

/** What a metric entry of a widget is called in its legend. */
function labelOf(entry: any[]): string | undefined {
  const options = typeof entry[entry.length - 1] === 'object' ? entry[entry.length - 1] : {};
  if (options.visible === false) return undefined;
  if (options.label) return options.label;
  if (options.expression) return options.expression.startsWith('SEARCH(') ? `${options.expression.match(/MetricName="([^"]+)"/)?.[1] ?? 'search'}, one line per ModelId` : options.expression;
  const strings = entry.filter((e) => typeof e === 'string');
  return strings.length >= 4 ? `${strings[1]} ${strings[3]}` : strings[1];
}

function widgetSvg(w: any, ox: number, oy: number): string {
  const x = ox + w.x * UNIT_W;
  const y = oy + w.y * UNIT_H;
  const width = w.width * UNIT_W - GAP;
  const height = w.height * UNIT_H - GAP;
  const parts = [`<rect x="${x}" y="${y}" width="${width}" height="${height}" rx="4" fill="#ffffff" stroke="#d5dbdb"/>`];
  const title = w.properties.title ?? (w.type === 'text' ? '' : w.type);
  if (title) parts.push(`<text x="${x + 8}" y="${y + 16}" font-size="11" font-weight="bold" fill="#16191f">${escape(clip(title, Math.floor(width / 6.2)))}</text>`);
  if (w.type === 'text') {
    const lines = String(w.properties.markdown).split('\n').filter((l) => l.trim());
    lines.forEach((line, i) => {
      const heading = line.startsWith('#');
      parts.push(`<text x="${x + 8}" y="${y + 20 + i * 16}" font-size="${heading ? 14 : 10}" font-weight="${heading ? 'bold' : 'normal'}" fill="#16191f">${escape(clip(line.replace(/^#+\s*/, ''), Math.floor(width / (heading ? 8 : 5.6))))}</text>`);
    });
  } else if (w.type === 'alarm') {
    const alarms: string[] = w.properties.alarms ?? [];
    const cols = 4;
    const cellW = (width - 16) / cols;
    alarms.forEach((arn, i) => {
      const cx = x + 8 + (i % cols) * cellW;
      const cy = y + 24 + Math.floor(i / cols) * 18;
      if (cy > y + height - 14) return;
      const name = arn.slice(arn.lastIndexOf(':') + 1).replace(/^MonitoringAlarms/, '').replace(/[0-9A-F]{8}$/, '');
      parts.push(`<rect x="${cx}" y="${cy}" width="${cellW - 6}" height="14" rx="2" fill="#e9f7e9" stroke="#2ca02c"/>`);
      parts.push(`<text x="${cx + 4}" y="${cy + 10}" font-size="8.5" fill="#1d6b1d">OK ${escape(clip(name, Math.floor(cellW / 5.2) - 3))}</text>`);
    });
  } else {
    const entries = (w.properties.metrics ?? []) as any[][];
    const labels = entries.map(labelOf).filter((l): l is string => l !== undefined);
    const plot = { x: x + 8, y: y + 24, w: width - 16, h: Math.max(height - 34 - Math.min(labels.length, 4) * 12, 30) };
    parts.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" fill="#fafafa" stroke="#eaeded"/>`);
    for (const a of [...(w.properties.annotations?.horizontal ?? [])]) {
      const ay = plot.y + plot.h * 0.2;
      parts.push(`<line x1="${plot.x}" x2="${plot.x + plot.w}" y1="${ay}" y2="${ay}" stroke="${a.color ?? '#d62728'}" stroke-dasharray="4 3"/>`);
    }
    labels.forEach((label, i) => {
      const color = PALETTE[i % PALETTE.length];
      const points = series(`${title}|${label}`, 24).map((v, k) => `${(plot.x + (k / 23) * plot.w).toFixed(1)},${(plot.y + plot.h - v * plot.h).toFixed(1)}`);
      parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="1.3"/>`);
    });
    labels.slice(0, 4).forEach((label, i) => {
      const ly = plot.y + plot.h + 11 + i * 12;
      parts.push(`<rect x="${plot.x}" y="${ly - 7}" width="8" height="8" fill="${PALETTE[i % PALETTE.length]}"/>`);
      const more = i === 3 && labels.length > 4 ? ` (+${labels.length - 4} more)` : '';
      parts.push(`<text x="${plot.x + 12}" y="${ly}" font-size="9" fill="#545b64">${escape(clip(label, Math.floor((plot.w - 12) / 5) - more.length))}${escape(more)}</text>`);
    });
  }
  return parts.join('\n');
}

function render(dashboards: Array<{ title: string; body: any }>): string {
  const width = 24 * UNIT_W + 2 * 16;
  let y = 16;
  const parts: string[] = [];
  for (const d of dashboards) {
    const variable = d.body.variables?.[0];
    parts.push(`<text x="16" y="${y + 16}" font-size="16" font-weight="bold" fill="#232f3e">Dashboard ${escape(d.title)}${variable ? `  [${escape(variable.label)}: ${escape(variable.defaultValue)} ▾]` : ''}</text>`);
    y += 28;
    const rows = Math.max(...d.body.widgets.map((w: any) => w.y + w.height));
    parts.push(...d.body.widgets.map((w: any) => widgetSvg(w, 16, y)));
    y += rows * UNIT_H + 16;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#f2f3f3"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

// The overview first, then the model dashboard.
const bodies = synthesizeBodies().sort((a, b) => a.title.length - b.title.length);
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, render(bodies));
console.log(`wrote ${path.relative(process.cwd(), OUT)} (${bodies.length} dashboards, ${bodies.reduce((n, b) => n + b.body.widgets.length, 0)} widgets)`);
