/**
 * Run by tsdb-codec-hot-path.test.ts in a child process with `--allow-natives-syntax --trace-turbo`: optimizes
 * (synchronously, %OptimizeFunctionOnNextCall) a loop that writes a Float64Array's timestamps through
 * {@link TimestampEncoder} (`loopEncoder`) and the same loop through a copy of the check-and-throw shape the
 * encoder had before (`loopControl`: a throw per check, each message formatting `t`), so the test can read
 * where TurboFan scheduled number-to-string conversions in each.
 */
import { BitWriter } from '../../../src/store/tsdb/codec/bits.ts';
import { TimestampEncoder } from '../../../src/store/tsdb/codec/timestamps.ts';

/** The encoder's checks as they were: each throw formats `t` in its own message. */
class ControlEncoder {
  private prev = 0;
  private count = 0;
  private readonly w = new BitWriter(4096);
  write(t: number): void {
    const w = this.w;
    if (!Number.isSafeInteger(t) || Math.abs(t) > 2 ** 50)
      throw new RangeError(`timestamp ${t} out of range`);
    if (this.count > 0 && t <= this.prev) throw new RangeError(`timestamp ${t} is not after ${this.prev}`);
    w.writeBits((t - this.prev) & 0xff, 8);
    this.prev = t;
    this.count++;
  }
}

interface Writes {
  write(t: number): void;
}

function loopEncoder(e: Writes, ts: Float64Array): void {
  for (let i = 0; i < ts.length; i++) e.write(ts[i]!);
}
function loopControl(e: Writes, ts: Float64Array): void {
  for (let i = 0; i < ts.length; i++) e.write(ts[i]!);
}

const natives = (name: string) => new Function('f', `return %${name}(f)`) as (f: unknown) => number;
const prepare = natives('PrepareFunctionForOptimization');
const optimizeNext = natives('OptimizeFunctionOnNextCall');
const status = natives('GetOptimizationStatus');

const ts = Float64Array.from({ length: 200 }, (_, i) => 1_700_000_000_000 + i * 1000 + (i % 4));
const run = (loop: typeof loopEncoder, make: () => Writes) => loop(make(), ts);
const out: Record<string, number> = {};
for (const [name, loop, make] of [
  ['loopEncoder', loopEncoder, () => new TimestampEncoder(4096)],
  ['loopControl', loopControl, () => new ControlEncoder()],
] as const) {
  prepare(loop);
  run(loop, make);
  run(loop, make);
  optimizeNext(loop);
  run(loop, make);
  out[name] = status(loop);
}
// V8's optimization status bits: 16 = optimized, 64 = by TurboFan.
process.stdout.write(`${JSON.stringify(out)}\n`);
