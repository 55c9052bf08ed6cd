/**
 * Figures anyone can reproduce: each is the median of runs repeated until they agree (the middle
 * half of the last runs within a tolerance of their median), or says it could not settle; the
 * machine's load average is printed beside it, because on a shared machine it explains the rest.
 */
import { cpus, loadavg } from 'node:os';

export interface Figure {
  /** Median of the settled window (of all runs when it never settled), ms. */
  median: number;
  min: number;
  runs: number;
  /** How many runs the median is over. */
  of: number;
  /** Interquartile range of the window over its median. */
  spread: number;
  stable: boolean;
  /** 1-minute load average before and after. */
  load: [number, number];
  /** When the runs measured CPU time: the median wall-clock time of the same runs. */
  wall?: number;
}

/** What one run measured: milliseconds, or CPU and wall-clock milliseconds (see cpu()). */
export type Sample = number | { cpu: number; wall: number };

/**
 * CPU time this process spent in `f` (user + system, all its threads: the GC's included), and the
 * wall-clock time. On a machine shared with other work, CPU time is what the code costs; wall
 * time adds however long the scheduler gave the cores to someone else.
 */
export function cpu(f: () => unknown): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1000, wall };
}

export interface RepeatOptions {
  /** Runs thrown away first (JIT, caches). */
  warmup?: number;
  /** Size of the window that must agree. */
  window?: number;
  maxRuns?: number;
  /** Stop after this long even if unsettled. */
  maxMs?: number;
  /** Allowed interquartile range over the median. */
  tolerance?: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** `run` returns the milliseconds it measured (so it can leave its setup out). */
export async function repeat(run: () => Sample | Promise<Sample>, o: RepeatOptions = {}): Promise<Figure> {
  const { warmup = 2, window = 7, maxRuns = 40, maxMs = 20_000, tolerance = 0.1 } = o;
  const load0 = loadavg()[0]!;
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  const walls: number[] = [];
  const t0 = performance.now();
  let stable = false;
  while (times.length < maxRuns) {
    const r = await run();
    times.push(typeof r === 'number' ? r : r.cpu);
    if (typeof r !== 'number') walls.push(r.wall);
    if (times.length >= window) {
      const w = times.slice(-window).sort((a, b) => a - b);
      const m = quantile(w, 0.5);
      if ((quantile(w, 0.75) - quantile(w, 0.25)) / m <= tolerance) {
        stable = true;
        break;
      }
    }
    if (performance.now() - t0 > maxMs && times.length >= Math.min(3, window)) break;
  }
  const w = (stable ? times.slice(-window) : times).sort((a, b) => a - b);
  const median = quantile(w, 0.5);
  const wall = walls.length ? quantile((stable ? walls.slice(-window) : walls).sort((a, b) => a - b), 0.5) : undefined;
  return {
    ...(wall !== undefined ? { wall } : {}), median, min: Math.min(...times), runs: times.length, of: w.length, spread: (quantile(w, 0.75) - quantile(w, 0.25)) / median, stable, load: [load0, loadavg()[0]!] };
}

export function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(0)} ms` : `${x.toFixed(x >= 1 ? 1 : 2)} ms`;
}

/** `12.3 ms (median of 7, min 11.9, ±4%, load 3.1–3.4)`, flagged when it did not settle. */
export function fmt(f: Figure): string {
  const settled = f.stable ? '' : ` — did not settle (spread ±${Math.round(f.spread * 50)}% after ${f.runs} runs)`;
  const what = f.wall !== undefined ? `CPU ${ms(f.median)}, wall ${ms(f.wall)}` : ms(f.median);
  return `${what} (median of ${f.of === f.runs ? f.runs : `the last ${f.of} of ${f.runs}`}, min ${ms(f.min)}, ±${Math.round(f.spread * 50)}%, load ${f.load[0].toFixed(1)}–${f.load[1].toFixed(1)})${settled}`;
}

/** Growth exponent k in t ∝ n^k between two sizes. */
export function exponent(n1: number, t1: number, n2: number, t2: number): number {
  return Math.log(t2 / t1) / Math.log(n2 / n1);
}

export function machine(): string {
  return `${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min)`;
}
