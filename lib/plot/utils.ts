/** The book's small training utilities: Timer and Accumulator (d2l.Timer, d2l.Accumulator). */
import { ArgumentError, describe } from '../errors';
import { Tensor } from '../tensor';

/** A number, or a one-element tensor read with item(). */
export type NumberLike = number | Tensor;

/** @internal */
export function toNumber(v: NumberLike, who: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (v.numel() !== 1) throw new ArgumentError(`${who}: expected a number or a one-element tensor but received a tensor of shape [${v.shape.join(', ')}]`);
    return Number(v.item());
  }
  throw new ArgumentError(`${who}: expected a number or a one-element tensor but received ${describe(v)}`);
}

/**
 * Records running times in seconds (d2l.Timer): start() and stop() around each piece of work.
 * @example
 * const timer = new Timer();          // started
 * doWork();
 * timer.stop();                       // seconds since start, also appended to timer.times
 * `${timer.avg().toFixed(5)} sec`;
 */
export class Timer {
  /** Every recorded duration, in seconds. */
  readonly times: number[] = [];
  private tik = 0;

  constructor() {
    this.start();
  }

  /** Starts (or restarts) the clock. */
  start(): void {
    this.tik = performance.now();
  }

  /** Stops the clock, records the time since start() and returns it in seconds. */
  stop(): number {
    const t = (performance.now() - this.tik) / 1000;
    this.times.push(t);
    return t;
  }

  /** Mean recorded time (NaN before the first stop()). */
  avg(): number {
    return this.sum() / this.times.length;
  }

  /** Total recorded time. */
  sum(): number {
    return this.times.reduce((a, b) => a + b, 0);
  }

  /** Running totals of the recorded times. */
  cumsum(): number[] {
    let acc = 0;
    return this.times.map((t) => (acc += t));
  }
}

/**
 * Sums over n variables (d2l.Accumulator): add(a, b, ...) adds to each, data[i] or get(i) reads.
 * @example
 * const metric = new Accumulator(2);  // correct predictions, number of predictions
 * metric.add(accuracy(yHat, y), y.numel());
 * metric.get(0) / metric.get(1);
 */
export class Accumulator {
  data: number[];

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`Accumulator: expected a non-negative integer count but received ${describe(n)}`);
    this.data = new Array<number>(n).fill(0);
  }

  /** Adds each argument to its variable (numbers or one-element tensors). */
  add(...args: NumberLike[]): void {
    if (args.length !== this.data.length) throw new ArgumentError(`Accumulator.add: expected ${this.data.length} values but received ${args.length}`);
    this.data = this.data.map((a, i) => a + toNumber(args[i], 'Accumulator.add'));
  }

  /** Sets every variable back to 0. */
  reset(): void {
    this.data = this.data.map(() => 0);
  }

  /** The i-th sum. */
  get(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.data.length) throw new ArgumentError(`Accumulator.get: index ${describe(i)} is out of range for ${this.data.length} variables`);
    return this.data[i];
  }
}
