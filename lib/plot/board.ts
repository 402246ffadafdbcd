/**
 * ProgressBoard (d2l.ProgressBoard): collects (x, y) points of named curves during training,
 * averages every `everyN` points into one, and keeps an SVG and PNG of the curves up to date on
 * disk so a viewer (or the Trainer's user) sees training and validation loss as they come.
 */
import { ArgumentError, describe } from '../errors';
import { render } from './render';
import { Curve, LegendLoc, Scale, buildSpec } from './spec';
import { parseFmt } from './style';
import { NumberLike, toNumber } from './utils';

/** A point of a curve. */
export interface Point {
  x: number;
  y: number;
}

/** Options of {@link ProgressBoard} (d2l's arguments, plus where to write). */
export interface ProgressBoardOptions {
  xlabel?: string;
  ylabel?: string;
  xlim?: readonly [number, number];
  ylim?: readonly [number, number];
  xscale?: Scale;
  yscale?: Scale;
  /** Line styles of the curves in turn (default ['-', '--', '-.', ':']). */
  ls?: readonly string[];
  /** Colours of the curves in turn (default ['C0', 'C1', 'C2', 'C3']). */
  colors?: readonly string[];
  figsize?: readonly [number, number];
  legendLoc?: LegendLoc;
  /** Redraw the files after each new point (default true). */
  display?: boolean;
  /** The files to keep up to date: `<path>.svg` and `<path>.png` (default 'runs/progress'). */
  path?: string;
  /** PNG resolution (default 144 dpi). */
  dpi?: number;
}

/**
 * Live training curves. `draw` is cheap to call every batch: points are averaged `everyN` at a
 * time, and redraws are queued one at a time (a burst of draws renders once, with the latest data).
 * @example
 * const board = new ProgressBoard({ xlabel: 'epoch', path: 'runs/linreg' });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   board.draw(epoch, trainLoss, 'train_loss');
 *   board.draw(epoch, valLoss, 'val_loss');
 * }
 * await board.flush(); // runs/linreg.svg and runs/linreg.png show both curves
 */
export class ProgressBoard {
  /** The averaged points of each curve, in the order the curves first appeared. */
  readonly data = new Map<string, Point[]>();
  /** The last rendering error, if any (drawing never throws into the training loop). */
  lastError: Error | null = null;
  readonly options: Required<Pick<ProgressBoardOptions, 'ls' | 'colors' | 'display' | 'path'>> & ProgressBoardOptions;
  private readonly raw = new Map<string, Point[]>();
  private chain: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  constructor(opts: ProgressBoardOptions = {}) {
    if (opts === null || typeof opts !== 'object') throw new ArgumentError(`ProgressBoard: expected options as an object but received ${describe(opts)}`);
    const ls = opts.ls ?? ['-', '--', '-.', ':'];
    const colors = opts.colors ?? ['C0', 'C1', 'C2', 'C3'];
    // check the styles now rather than at the first redraw
    for (let i = 0; i < Math.max(ls.length, colors.length); i++) parseFmt(`${colors[i % colors.length]}${ls[i % ls.length]}`);
    this.options = { ...opts, ls, colors, display: opts.display ?? true, path: opts.path ?? 'runs/progress' };
  }

  /**
   * Adds the point (x, y) to the curve `label`; every `everyN` points of a curve become one
   * plotted point at their mean. Returns a promise that settles when the files show this point
   * (resolved at once when no redraw is due); it never rejects, see lastError.
   */
  draw(x: NumberLike, y: NumberLike, label: string, opts: { everyN?: number } = {}): Promise<void> {
    const everyN = opts.everyN ?? 1;
    if (!Number.isInteger(everyN) || everyN < 1) throw new ArgumentError(`ProgressBoard.draw: expected everyN to be a positive integer but received ${describe(everyN)}`);
    if (typeof label !== 'string') throw new ArgumentError(`ProgressBoard.draw: expected a string label but received ${describe(label)}`);
    const p = { x: toNumber(x, 'ProgressBoard.draw'), y: toNumber(y, 'ProgressBoard.draw') };
    if (!this.raw.has(label)) {
      this.raw.set(label, []);
      this.data.set(label, []);
    }
    const points = this.raw.get(label)!;
    points.push(p);
    if (points.length < everyN) return Promise.resolve();
    const mean = (f: (q: Point) => number) => points.reduce((a, q) => a + f(q), 0) / points.length;
    this.data.get(label)!.push({ x: mean((q) => q.x), y: mean((q) => q.y) });
    points.length = 0;
    return this.options.display ? this.schedule() : Promise.resolve();
  }

  /** Waits for queued redraws; rejects with the last rendering error if there was one. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.lastError) throw this.lastError;
  }

  /** The curves as they stand, drawn now (whatever `display` says). */
  async render(): Promise<{ svg: string; png: Buffer; files: { svg?: string; png?: string } }> {
    const o = this.options;
    const curves: Curve[] = [...this.data.entries()].map(([label, pts], i) => ({
      x: pts.map((q) => q.x),
      y: pts.map((q) => q.y),
      label,
      fmt: parseFmt(`${o.colors[i % o.colors.length]}${o.ls[i % o.ls.length]}`),
    }));
    const spec = buildSpec(curves, {
      xlabel: o.xlabel ?? null,
      ylabel: o.ylabel ?? null,
      xlim: o.xlim,
      ylim: o.ylim,
      xscale: o.xscale ?? 'linear',
      yscale: o.yscale ?? 'linear',
      figsize: o.figsize ?? [3.5, 2.5],
      legendLoc: o.legendLoc ?? 'best',
      hlines: [],
      vlines: [],
    });
    return render(spec, { path: o.path, dpi: o.dpi });
  }

  private schedule(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.chain.then(async () => {
      this.queued = null;
      try {
        await this.render();
        this.lastError = null;
      } catch (e) {
        if (!this.lastError) process.emitWarning(`ProgressBoard: could not redraw ${this.options.path}: ${(e as Error).message}`, 'KindlingWarning');
        this.lastError = e as Error;
      }
    });
    this.queued = next;
    this.chain = next;
    return next;
  }
}
