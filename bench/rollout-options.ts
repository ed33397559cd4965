/**
 * Command-line options of `npm run bench:rollout` (bench/rollout.ts): `--name value` pairs read from process.argv,
 * checked when this module loads (an Error names the bad option), and the constants derived from them.
 */

function opt(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
function num(name: string, fallback: number): number {
  const v = opt(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} needs a positive number`);
  return n;
}
export const SEEDS = Math.floor(num('seeds', 100));
export const STREAM_RUNS = Math.floor(num('stream-runs', 400));
export const SEED = Math.floor(num('seed', 20240601));
export const MINUTES = num('minutes', 10);
export const SCRAPE_S = Math.floor(num('scrape', 5));
export const NODES = Math.floor(num('nodes', 6));
export const STAGES = (opt('stages') ?? '10,25,50').split(',').map(Number);
export const ONLY = opt('only');
export const PICK = opt('scenarios')?.split(',');
export const MARGIN = num('margin', 7.5);
export const JITTER = num('jitter', 0.03);
export const JUDGE = opt('judge') ?? 'per-gib';
/** Node canary: minutes every node runs v1 before half of them switch to v3 (0: no baseline before the stage). */
export const BASELINE_S = Math.round(60 * Number(opt('baseline') ?? 10));
if (!(BASELINE_S >= 0)) throw new Error('--baseline takes minutes >= 0');
if (JUDGE !== 'per-gib' && JUDGE !== 'duration') throw new Error('--judge takes per-gib or duration');
if (ONLY !== undefined && ONLY !== 'stream' && ONLY !== 'sim') throw new Error('--only takes stream or sim');
if (STAGES.some((s) => !(s > 0 && s < 100))) throw new Error('--stages takes percentages in (0, 100)');
/** Simulated minutes per stage, in ms: the horizon of every run and of the decision's window. */
export const HORIZON_MS = MINUTES * 60_000;
/** Start of every run (simulated clock). */
export const T0 = Date.UTC(2026, 0, 1);
