/** `plot`: the book's d2l.plot for Node, writing SVG and PNG files. */
import { ArgumentError, describe } from '../errors';
import { values } from '../ops/convert';
import { Tensor } from '../tensor';
import { OutputOptions, Rendered, render } from './render';
import { AxesSpec, Curve, LegendLoc, RefLine, Scale, buildSpec } from './spec';
import { parseFmt } from './style';

/** One curve's values: a 1-D tensor or an array of numbers. */
export type Values = Tensor | readonly number[];
/** One curve, or several (an array of curves, or a 2-D tensor whose rows are curves). */
export type Data = Values | readonly Values[];

/** A reference line: a position, or a position with a format string (default 'k--'). */
export type RefSpec = number | { at: number; fmt?: string };

/** d2l.plot's keyword arguments, plus where to write. */
export interface PlotOptions extends OutputOptions {
  xlabel?: string;
  ylabel?: string;
  title?: string;
  /** Labels of the first curves, in order (curves past the list have no legend entry). */
  legend?: readonly string[];
  xlim?: readonly [number, number];
  ylim?: readonly [number, number];
  xscale?: Scale;
  yscale?: Scale;
  /** Format strings, used in turn (default ['-', 'm--', 'g-.', 'r:'], as d2l). */
  fmts?: readonly string[];
  /** Figure size in inches (default [3.5, 2.5], as d2l). */
  figsize?: readonly [number, number];
  /** Where the legend goes (default 'best': the corner that covers the fewest points). */
  legendLoc?: LegendLoc;
  /** Horizontal lines across the axes (matplotlib's axhline), e.g. [{ at: 0.167, fmt: 'k--' }]. */
  hlines?: readonly RefSpec[];
  /** Vertical lines across the axes (axvline). */
  vlines?: readonly RefSpec[];
}

export const DEFAULT_FMTS: readonly string[] = ['-', 'm--', 'g-.', 'r:'];

function numbers(v: Values, what: string): number[] {
  if (v instanceof Tensor) {
    if (v.dim() !== 1) throw new ArgumentError(`plot: expected ${what} to be 1-D but received a tensor of shape [${v.shape.join(', ')}]`);
    return Array.from(values(v.detach()) as ArrayLike<number | bigint>, Number);
  }
  if (!Array.isArray(v)) throw new ArgumentError(`plot: expected ${what} to be a tensor or an array of numbers but received ${describe(v)}`);
  return v.map((x, i) => {
    if (typeof x !== 'number') throw new ArgumentError(`plot: expected ${what} to hold numbers but element ${i} is ${describe(x)}`);
    return x;
  });
}

/** d2l's has_one_axis: a 1-D tensor or an array whose first element is a number. */
const hasOneAxis = (d: Data): boolean => (d instanceof Tensor && d.dim() === 1) || (Array.isArray(d) && (d.length === 0 || typeof d[0] === 'number'));

function curvesOf(d: Data, what: string): number[][] {
  if (hasOneAxis(d)) return [numbers(d as Values, what)];
  if (d instanceof Tensor) {
    if (d.dim() !== 2) throw new ArgumentError(`plot: expected ${what} to be a 1-D or 2-D tensor but received shape [${d.shape.join(', ')}]`);
    return Array.from({ length: d.shape[0] }, (_, i) => numbers(d.select(0, i), `${what}[${i}]`));
  }
  if (!Array.isArray(d)) throw new ArgumentError(`plot: expected ${what} to be a tensor, an array of numbers, or an array of those but received ${describe(d)}`);
  return (d as readonly Values[]).map((c, i) => numbers(c, `${what}[${i}]`));
}

const isOptions = (v: unknown): v is PlotOptions => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Tensor);

function refLines(specs: readonly RefSpec[] | undefined, name: string): RefLine[] {
  return (specs ?? []).map((s) => {
    const r = typeof s === 'number' ? { at: s } : s;
    if (r === null || typeof r !== 'object' || typeof r.at !== 'number' || !Number.isFinite(r.at)) {
      throw new ArgumentError(`plot: expected ${name} entries to be numbers or { at, fmt } but received ${describe(s)}`);
    }
    return { at: r.at, fmt: parseFmt(r.fmt ?? 'k--') };
  });
}

/** The curves and axes settings plot() draws, before rendering. @internal */
export function prepare(X: Data, Y: Data | undefined, o: PlotOptions): { curves: Curve[]; axes: AxesSpec } {
  let ys: number[][];
  let xs: number[][];
  if (Y === undefined) {
    // plot(Y): each curve against 0, 1, 2, ...
    ys = curvesOf(X, 'X');
    xs = ys.map((y) => y.map((_, i) => i));
  } else {
    ys = curvesOf(Y, 'Y');
    xs = curvesOf(X, 'X');
    if (xs.length === 1 && ys.length > 1) xs = ys.map(() => xs[0]);
    if (xs.length !== ys.length) throw new ArgumentError(`plot: received ${xs.length} x-series for ${ys.length} y-series (give one X for all, or one per curve)`);
  }
  xs.forEach((x, k) => {
    if (x.length !== ys[k].length) throw new ArgumentError(`plot: curve ${k} has ${x.length} x values but ${ys[k].length} y values`);
  });
  const fmts = o.fmts ?? DEFAULT_FMTS;
  if (!Array.isArray(fmts) || fmts.length === 0) throw new ArgumentError(`plot: expected fmts to be a non-empty array of format strings but received ${describe(fmts)}`);
  const legend = o.legend ?? [];
  if (!Array.isArray(legend) || legend.some((l) => typeof l !== 'string')) throw new ArgumentError(`plot: expected legend to be an array of strings but received ${describe(legend)}`);
  const parsed = fmts.map(parseFmt);
  // d2l zips curves with fmts and silently drops the extra curves; kindling reuses the formats in turn
  const curves: Curve[] = ys.map((y, k) => ({ x: xs[k], y, label: legend[k] ?? null, fmt: parsed[k % parsed.length] }));
  for (const s of ['xscale', 'yscale'] as const) {
    if (o[s] !== undefined && o[s] !== 'linear' && o[s] !== 'log') throw new ArgumentError(`plot: expected ${s} 'linear' or 'log' but received ${describe(o[s])}`);
  }
  const figsize = o.figsize ?? [3.5, 2.5];
  if (!Array.isArray(figsize) || figsize.length !== 2 || !figsize.every((v) => typeof v === 'number' && v > 0 && v < 100)) {
    throw new ArgumentError(`plot: expected figsize as [width, height] in inches but received ${describe(figsize)}`);
  }
  const loc = o.legendLoc ?? 'best';
  if (!['best', 'upper right', 'upper left', 'lower left', 'lower right'].includes(loc)) throw new ArgumentError(`plot: unknown legendLoc ${describe(loc)}`);
  return {
    curves,
    axes: {
      xlabel: o.xlabel,
      ylabel: o.ylabel,
      title: o.title,
      xlim: o.xlim,
      ylim: o.ylim,
      xscale: o.xscale ?? 'linear',
      yscale: o.yscale ?? 'linear',
      figsize: [figsize[0], figsize[1]],
      legendLoc: loc,
      hlines: refLines(o.hlines, 'hlines'),
      vlines: refLines(o.vlines, 'vlines'),
    },
  };
}

/**
 * Plots one or several curves like the book's `d2l.plot` and writes the figure as SVG and PNG.
 * `X` may be omitted (each curve is drawn against 0, 1, 2, ...); one X serves every curve.
 * Curves take the format strings in turn ('-' solid in the colour cycle, 'm--' magenta dashed,
 * 'g-.' green dash-dot, 'r:' red dotted, 'bo' blue dots).
 * @example
 * // section 2.4: f(x) = 3x^2 - 4x and its tangent line at x = 1
 * const x = torch.arange(0, 3, 0.1);
 * await plot(x, [x.pow(2).mul(3).sub(x.mul(4)), x.mul(2).sub(3)], {
 *   xlabel: 'x', ylabel: 'f(x)', legend: ['f(x)', 'Tangent line (x=1)'], path: 'runs/tangent',
 * }); // writes runs/tangent.svg and runs/tangent.png
 */
export async function plot(X: Data, Y?: Data | PlotOptions, opts: PlotOptions = {}): Promise<Rendered> {
  if (isOptions(Y)) {
    opts = Y;
    Y = undefined;
  }
  if (!isOptions(opts)) throw new ArgumentError(`plot: expected options as an object but received ${describe(opts)}`);
  const { curves, axes } = prepare(X, Y as Data | undefined, opts);
  return render(buildSpec(curves, axes), opts);
}
