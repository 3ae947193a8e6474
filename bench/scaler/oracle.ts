/*
 * The oracle: the fewest model-unit-hours that serve the whole trace, knowing all of it in advance,
 * under the simulator's rules (same creation delay D, same billing period B, same min/max bounds).
 *
 * Formulation. Minute t needs r_t throughputs in service (demand / capacity per throughput, rounded
 * up, clamped to the bounds; a minute above max is throttled whatever one does). A throughput created
 * at minute c and deleted at e is in service over [c + D, e) and pays ceil((e - c) / B) periods; the
 * starting pool (created at 0) is in service at once. Choose a multiset of such throughputs so that
 * every minute t is covered r_t times, at least cost.
 *
 * Exactness. Each throughput covers an interval of minutes, so the covering constraints have the
 * consecutive-ones property: the constraint matrix is totally unimodular and the LP optimum is
 * integral. Subtracting consecutive rows turns it into a min-cost flow on the time line (node t:
 * supply r_t - r_{t-1}; a throughput is an arc from its first to one past its last in-service minute;
 * surplus coverage flows backwards at no cost). Only throughputs deleted on a billing-period edge
 * (or at the end of the trace) need be considered: extending one to the edge of its last paid
 * period costs nothing and covers more. To keep the network O(T), a throughput is a path
 * "start" (cost: its first paid periods up to the first in-service minute) -> "extend" by one period
 * (cost 1) ... -> "exit" (cost 0) through a second layer of nodes that only such paths can use.
 * The flow is solved exactly (primal-dual: Dijkstra on reduced costs, then blocking flows on the
 * zero-reduced-cost arcs). test/bench/scaler.test.ts checks it against exhaustive search.
 */
import { BenchParams, requiredThroughputs, resolveParams } from './simulate';

export interface OracleResult {
  /** Billed model-unit-hours of the optimal schedule. */
  readonly muHours: number;
  /** Minutes whose demand exceeds even maxModelUnits (0 when max covers the peak). */
  readonly throttledMinutes: number;
  /** Create and delete calls of the optimal schedule (the starting pool not counted). */
  readonly actions: number;
  /** In-service model units per minute. */
  readonly capacity: number[];
  /** Billed periods (in throughputs), for tests. */
  readonly periods: number;
}

const INF = 1e15;

/** Minimum-cost flow with node supplies, all arc costs >= 0 initially. */
class FlowNetwork {
  private readonly head: Int32Array;
  private to: number[] = [];
  private next: number[] = [];
  private cap: number[] = [];
  private cost: number[] = [];

  constructor(private readonly n: number) {
    this.head = new Int32Array(n).fill(-1);
  }

  /** Adds an arc and its residual twin; returns the arc's index. */
  addArc(u: number, v: number, capacity: number, cost: number): number {
    const e = this.to.length;
    this.to.push(v, u);
    this.cap.push(capacity, 0);
    this.cost.push(cost, -cost);
    this.next.push(this.head[u], this.head[v]);
    this.head[u] = e;
    this.head[v] = e + 1;
    return e;
  }

  /** Flow on arc e (its twin's residual capacity). */
  flow(e: number): number {
    return this.cap[e ^ 1];
  }

  /** Sends `amount` from s to t at least cost; returns the cost. Throws when infeasible. */
  minCostFlow(s: number, t: number, amount: number): number {
    const n = this.n;
    const pot = new Float64Array(n);
    const dist = new Float64Array(n);
    const level = new Int32Array(n);
    const iter = new Int32Array(n);
    let sent = 0;
    let total = 0;
    while (sent < amount) {
      // Dijkstra on reduced costs (binary heap of [dist, node]).
      dist.fill(Infinity);
      dist[s] = 0;
      const heap: number[] = [0, s];
      while (heap.length) {
        const d = heap[0];
        const u = heap[1];
        const lastD = heap[heap.length - 2];
        const lastU = heap[heap.length - 1];
        heap.length -= 2;
        if (heap.length) {
          // sift down
          let i = 0;
          const m = heap.length / 2;
          for (;;) {
            let c = 2 * i + 1;
            if (c >= m) break;
            if (c + 1 < m && heap[2 * c + 2] < heap[2 * c]) c++;
            if (heap[2 * c] >= lastD) break;
            heap[2 * i] = heap[2 * c];
            heap[2 * i + 1] = heap[2 * c + 1];
            i = c;
          }
          heap[2 * i] = lastD;
          heap[2 * i + 1] = lastU;
        }
        if (d > dist[u]) continue;
        for (let e = this.head[u]; e !== -1; e = this.next[e]) {
          if (this.cap[e] <= 0) continue;
          const v = this.to[e];
          const nd = d + this.cost[e] + pot[u] - pot[v];
          if (nd < dist[v]) {
            dist[v] = nd;
            // sift up
            let i = heap.length / 2;
            heap.push(nd, v);
            while (i > 0) {
              const p = (i - 1) >> 1;
              if (heap[2 * p] <= nd) break;
              heap[2 * i] = heap[2 * p];
              heap[2 * i + 1] = heap[2 * p + 1];
              i = p;
            }
            heap[2 * i] = nd;
            heap[2 * i + 1] = v;
          }
        }
      }
      if (dist[t] === Infinity) throw new Error('oracle: no feasible schedule');
      const dt = dist[t];
      for (let v = 0; v < n; v++) pot[v] += Math.min(dist[v], dt);

      // Blocking flows on admissible arcs (residual, zero reduced cost) until t is unreachable.
      for (;;) {
        level.fill(-1);
        level[s] = 0;
        const queue = [s];
        for (let qi = 0; qi < queue.length; qi++) {
          const u = queue[qi];
          for (let e = this.head[u]; e !== -1; e = this.next[e]) {
            const v = this.to[e];
            if (this.cap[e] > 0 && level[v] < 0 && this.cost[e] + pot[u] - pot[v] === 0) {
              level[v] = level[u] + 1;
              queue.push(v);
            }
          }
        }
        if (level[t] < 0) break;
        for (let v = 0; v < n; v++) iter[v] = this.head[v];
        // Iterative DFS from s, one augmenting path at a time.
        const path: number[] = [];
        let u = s;
        while (sent < amount) {
          if (u === t) {
            let f = amount - sent;
            for (const e of path) f = Math.min(f, this.cap[e]);
            for (const e of path) {
              this.cap[e] -= f;
              this.cap[e ^ 1] += f;
              total += f * this.cost[e];
            }
            sent += f;
            path.length = 0;
            u = s;
            continue;
          }
          let e = iter[u];
          for (; e !== -1; e = this.next[e]) {
            const v = this.to[e];
            if (this.cap[e] > 0 && level[v] === level[u] + 1 && this.cost[e] + pot[u] - pot[v] === 0) break;
          }
          iter[u] = e;
          if (e !== -1) {
            path.push(e);
            u = this.to[e];
          } else {
            level[u] = -1; // dead end
            if (path.length === 0) break;
            const back = path.pop()!;
            u = this.to[back ^ 1];
            iter[u] = this.next[iter[u]];
          }
        }
        if (sent >= amount) break;
      }
    }
    return total;
  }
}

/** Minimum billed periods (in throughputs) and the schedule, for required in-service counts r. */
export function solveCover(r: readonly number[], creationDelayMinutes: number, billingMinutes: number): { periods: number; coverage: number[]; creations: number; deletions: number } {
  const T = r.length;
  const D = creationDelayMinutes;
  const B = billingMinutes;
  if (T === 0) return { periods: 0, coverage: [], creations: 0, deletions: 0 };
  // Nodes: A_t = t (0..T), E_f = T + f (f = 1..T), source, sink.
  const A = (t: number) => t;
  const E = (f: number) => T + f;
  const S = 2 * T + 1;
  const K = 2 * T + 2;
  const net = new FlowNetwork(2 * T + 3);
  const surplus: number[] = [];
  for (let t = 0; t < T; t++) surplus.push(net.addArc(A(t + 1), A(t), INF, 0));
  // First paid periods of a new throughput: enough to reach past its creation delay.
  const k0 = Math.floor(D / B) + 1;
  const starts: number[] = [];
  for (let c = 0; c + D < T; c++) starts.push(net.addArc(A(c + D), E(Math.min(T, c + k0 * B)), INF, k0));
  // The starting pool: created at 0, in service at once (same as the simulator's).
  if (D > 0) net.addArc(A(0), E(Math.min(T, B)), INF, 1);
  for (let f = 1; f < T; f++) net.addArc(E(f), E(Math.min(T, f + B)), INF, 1);
  const exits: number[] = [];
  for (let f = 1; f <= T; f++) exits.push(net.addArc(E(f), A(f), INF, 0));
  let amount = 0;
  for (let t = 0; t <= T; t++) {
    const b = (t < T ? r[t] : 0) - (t > 0 ? r[t - 1] : 0);
    if (b > 0) {
      net.addArc(S, A(t), b, 0);
      amount += b;
    } else if (b < 0) net.addArc(A(t), K, -b, 0);
  }
  const periods = net.minCostFlow(S, K, amount);
  const coverage = r.map((need, t) => need + net.flow(surplus[t]));
  // With D = 0 the start arc at minute 0 is the starting pool, not a create call.
  const creations = starts.slice(D === 0 ? 1 : 0).reduce((s, e) => s + net.flow(e), 0);
  const deletions = exits.slice(0, T - 1).reduce((s, e) => s + net.flow(e), 0);
  return { periods, coverage, creations, deletions };
}

export function oracle(demand: readonly number[], params: Partial<BenchParams> = {}): OracleResult {
  const p = resolveParams(params);
  const r = demand.map((d) => requiredThroughputs(d, p));
  const { periods, coverage, creations, deletions } = solveCover(r, p.creationDelayMinutes, p.billingMinutes);
  const per = p.unitSize * p.tokensPerMuMinute;
  return {
    muHours: periods * p.unitSize * p.billingMinutes / 60,
    throttledMinutes: demand.reduce((n, d, t) => n + (d > coverage[t] * per ? 1 : 0), 0),
    actions: creations + deletions,
    capacity: coverage.map((c) => c * p.unitSize),
    periods,
  };
}

/** Static provisioning for the peak: ceil(peak / tokensPerMuMinute) MU (in whole throughputs), all the time. */
export function staticForPeak(demand: readonly number[], params: Partial<BenchParams> = {}): { muHours: number; throttledMinutes: number; actions: number; modelUnits: number } {
  const p = resolveParams(params);
  const peak = demand.reduce((m, d) => Math.max(m, d), 0);
  const modelUnits = Math.ceil(peak / (p.unitSize * p.tokensPerMuMinute) - 1e-9) * p.unitSize;
  // Billed like any throughput: whole periods over the trace.
  const muHours = modelUnits * Math.ceil(demand.length / p.billingMinutes) * p.billingMinutes / 60;
  return { muHours, throttledMinutes: 0, actions: 0, modelUnits };
}
