/*
 * Demand traces: per-minute total tokens (pool + overflow), CSV with header `minute,tokens`, and a
 * deterministic generator (seeded PRNG, no clock) for the shipped traces and the property test.
 */

/** Parses `minute,tokens` CSV: minutes must run 0, 1, 2, ... (gaps are an error, not zero demand). */
export function parseTrace(csv: string): number[] {
  const lines = csv.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  if (lines.length === 0 || lines[0].replace(/\s/g, '').toLowerCase() !== 'minute,tokens') {
    throw new Error('trace: the first line must be the header `minute,tokens`');
  }
  return lines.slice(1).map((line, i) => {
    const [m, tok, ...rest] = line.split(',').map((x) => x.trim());
    const minute = Number(m);
    const tokens = Number(tok);
    if (rest.length || !Number.isInteger(minute) || minute !== i || !Number.isFinite(tokens) || tokens < 0) {
      throw new Error(`trace line ${i + 2}: expected \`${i},<tokens >= 0>\`, got \`${line}\``);
    }
    return tokens;
  });
}

export function formatTrace(demand: readonly number[]): string {
  return ['minute,tokens', ...demand.map((d, i) => `${i},${Math.round(d)}`)].join('\n') + '\n';
}

/** mulberry32: a small deterministic PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TraceShape {
  readonly seed: number;
  readonly days: number;
  /** Night-time (or flat) demand, tokens per minute. */
  readonly base: number;
  /** Business-hours peak above base (0: no daily cycle), tokens per minute. */
  readonly dailyAmplitude: number;
  /** Per-minute multiplicative jitter (standard deviation, e.g. 0.08). */
  readonly noise: number;
  /** Spikes per day (random start, 20-90 min long, 2 min ramps). */
  readonly spikesPerDay: number;
  /** Spike height above the underlying demand, tokens per minute. */
  readonly spikeHeight: number;
}

/**
 * Demand = (base + daily cycle + slow wander) x (1 + jitter) + spikes. The daily cycle is a
 * business-hours bump (07:00-19:00, peak at 13:00); the wander is a bounded random walk (+-10%).
 */
export function generateTrace(shape: TraceShape): number[] {
  const rand = prng(shape.seed);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const T = Math.round(shape.days * 1440);
  const spikes: Array<{ start: number; length: number; height: number }> = [];
  const count = Math.round(shape.spikesPerDay * shape.days);
  for (let i = 0; i < count; i++) {
    spikes.push({ start: Math.floor(rand() * T), length: 20 + Math.floor(rand() * 71), height: shape.spikeHeight * (0.6 + 0.4 * rand()) });
  }
  const out: number[] = [];
  let wander = 0;
  for (let t = 0; t < T; t++) {
    const hour = (t % 1440) / 60;
    const cycle = hour >= 7 && hour < 19 ? Math.sin((Math.PI * (hour - 7)) / 12) ** 1.5 : 0;
    wander = Math.max(-0.1, Math.min(0.1, wander + gauss() * 0.004));
    let d = (shape.base + shape.dailyAmplitude * cycle) * (1 + wander) * (1 + shape.noise * gauss());
    for (const s of spikes) {
      const into = t - s.start;
      if (into >= 0 && into < s.length) d += s.height * Math.min(1, (into + 1) / 2, (s.length - into) / 2);
    }
    out.push(Math.max(0, Math.round(d)));
  }
  return out;
}

/** The shipped traces (3 days each), with tokensPerMuMinute = 100000 in mind. */
export const SHIPPED_SHAPES: Record<'steady' | 'diurnal' | 'spike', TraceShape> = {
  steady: { seed: 1, days: 3, base: 340_000, dailyAmplitude: 0, noise: 0.06, spikesPerDay: 0, spikeHeight: 0 },
  diurnal: { seed: 2, days: 3, base: 60_000, dailyAmplitude: 700_000, noise: 0.06, spikesPerDay: 0, spikeHeight: 0 },
  spike: { seed: 3, days: 3, base: 180_000, dailyAmplitude: 0, noise: 0.06, spikesPerDay: 3, spikeHeight: 450_000 },
};
