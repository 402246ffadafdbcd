/**
 * One matplotlib-like axes as a vega-lite specification: curves with their colours and dashes, a
 * boxed frame with a grey grid, matplotlib's 5% data margins, optional reference lines, and a
 * legend placed where it covers the fewest data points (matplotlib's loc='best').
 */
import { ArgumentError } from '../errors';
import { COLOR_CYCLE, DASHES, LineFormat, SIZES } from './style';

export type Scale = 'linear' | 'log';
export type LegendLoc = 'best' | 'upper right' | 'upper left' | 'lower left' | 'lower right';

/** A curve ready to draw: finite-or-not numbers, a label (null: not in the legend), a parsed format. */
export interface Curve {
  x: number[];
  y: number[];
  label: string | null;
  fmt: LineFormat;
}

/** A horizontal (y) or vertical (x) reference line across the whole axes, like axhline / axvline. */
export interface RefLine {
  at: number;
  fmt: LineFormat;
}

export interface AxesSpec {
  xlabel?: string | null;
  ylabel?: string | null;
  title?: string | null;
  xlim?: readonly [number, number] | null;
  ylim?: readonly [number, number] | null;
  xscale: Scale;
  yscale: Scale;
  /** Figure size in inches, as d2l's figsize. */
  figsize: readonly [number, number];
  legendLoc: LegendLoc;
  hlines: RefLine[];
  vlines: RefLine[];
}

const CORNERS: Record<Exclude<LegendLoc, 'best'>, string> = {
  'upper right': 'top-right',
  'upper left': 'top-left',
  'lower left': 'bottom-left',
  'lower right': 'bottom-right',
};

/**
 * Legend geometry in pixels. vega sizes a row by the symbol's square box, whose side is the handle
 * (line sample) length; a negative row padding brings the rows to matplotlib's pitch of about 14 pt.
 */
const LEGEND = { handle: 18, rowPadding: -4, padding: 5 };

/** Legend symbols of marker-only curves show the marker, as matplotlib's legend does. */
function markerSymbols(curves: Curve[], ids: string[], colors: string[]): Record<string, unknown> {
  const only = curves.map((c, k) => ({ c, id: ids[k], color: colors[k] })).filter(({ c }) => c.label !== null && c.fmt.line === 'none' && c.fmt.marker);
  if (!only.length) return {};
  const pick = (f: (c: Curve, color: string) => string | number, other: string) =>
    only.reduceRight((acc, { c, id, color }) => `datum.value === '${id}' ? ${JSON.stringify(f(c, color))} : ${acc}`, other);
  return {
    encode: {
      symbols: {
        update: {
          shape: { signal: pick((c) => c.fmt.marker!.shape, "'stroke'") },
          size: { signal: pick((c) => c.fmt.marker!.size, String(LEGEND.handle ** 2)) },
          fill: { signal: pick((c, color) => (c.fmt.marker!.filled ? color : 'transparent'), "'transparent'") },
          fillOpacity: { value: 1 },
        },
      },
    },
  };
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/**
 * Ticks of a log axis at the powers of ten, labelled 10⁰, 10¹, ... as matplotlib does (when the
 * domain holds fewer than two powers, vega's own ticks stay).
 */
function logAxis(dom: [number, number]): Record<string, unknown> {
  const lo = Math.ceil(Math.log10(Math.min(...dom)) - 1e-9);
  const hi = Math.floor(Math.log10(Math.max(...dom)) + 1e-9);
  if (hi - lo < 1) return {};
  const step = Math.max(1, Math.ceil((hi - lo + 1) / 8));
  const powers: number[] = [];
  for (let e = lo; e <= hi; e += step) powers.push(e);
  const sup = (e: number) => String(e).replace('-', '⁻').replace(/\d/g, (d) => SUPERSCRIPT[Number(d)]);
  const labelExpr = powers.reduceRight((acc, e) => `abs(log(datum.value) / LN10 - ${e}) < 1e-6 ? '10${sup(e)}' : ${acc}`, "''");
  return { values: powers.map((e) => 10 ** e), tickCount: powers.length, labelExpr };
}

const usable = (v: number, scale: Scale) => Number.isFinite(v) && (scale === 'linear' || v > 0);

/** Data limits widened by matplotlib's margins (in log10 space on log axes). @internal */
export function autoDomain(values: Iterable<number>, scale: Scale): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!usable(v, scale)) continue;
    const t = scale === 'log' ? Math.log10(v) : v;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (lo === Infinity) [lo, hi] = scale === 'log' ? [0, 1] : [0, 1];
  if (lo === hi) {
    const d = Math.abs(lo) * 0.05 || 0.05;
    lo -= d;
    hi += d;
  }
  const m = (hi - lo) * SIZES.margin;
  const [a, b] = [lo - m, hi + m];
  return scale === 'log' ? [10 ** a, 10 ** b] : [a, b];
}

function checkLim(name: string, lim: readonly [number, number], scale: Scale): [number, number] {
  if (!Array.isArray(lim) || lim.length !== 2 || !lim.every((v) => typeof v === 'number' && Number.isFinite(v)) || lim[0] === lim[1]) {
    throw new ArgumentError(`plot: expected ${name} as [low, high] (two different finite numbers) but received ${JSON.stringify(lim)}`);
  }
  if (scale === 'log' && (lim[0] <= 0 || lim[1] <= 0)) throw new ArgumentError(`plot: ${name} ${JSON.stringify(lim)} must be positive on a log scale`);
  return [lim[0], lim[1]];
}

/** Plot-area pixels of the axes for a figure size in inches. @internal */
export function axesPixels(figsize: readonly [number, number]): [number, number] {
  return [Math.round(figsize[0] * 72 * SIZES.axesFraction[0]), Math.round(figsize[1] * 72 * SIZES.axesFraction[1])];
}

/**
 * matplotlib's loc='best': the first of upper right, upper left, lower left, lower right whose
 * (estimated) legend box covers the fewest curve points, sampling each segment every few pixels.
 */
function bestCorner(curves: Curve[], px: (x: number, y: number) => [number, number], size: [number, number], box: [number, number]): string {
  const order: Exclude<LegendLoc, 'best'>[] = ['upper right', 'upper left', 'lower left', 'lower right'];
  const [w, h] = size;
  const pad = 5;
  const rects = order.map((loc) => {
    const left = loc.endsWith('left');
    const upper = loc.startsWith('upper');
    const x0 = left ? pad : w - pad - box[0];
    const y0 = upper ? pad : h - pad - box[1];
    return [x0, y0, x0 + box[0], y0 + box[1]];
  });
  const hits = rects.map(() => 0);
  const count = (x: number, y: number) => rects.forEach((r, k) => x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3] && hits[k]++);
  for (const c of curves) {
    let prev: [number, number] | null = null;
    for (let i = 0; i < c.y.length; i++) {
      const p = px(c.x[i], c.y[i]);
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
        prev = null;
        continue;
      }
      if (prev && c.fmt.line !== 'none') {
        const steps = Math.min(200, Math.ceil(Math.hypot(p[0] - prev[0], p[1] - prev[1]) / 3));
        for (let s = 1; s < steps; s++) count(prev[0] + ((p[0] - prev[0]) * s) / steps, prev[1] + ((p[1] - prev[1]) * s) / steps);
      }
      count(p[0], p[1]);
      prev = p;
    }
  }
  let best = 0;
  hits.forEach((v, k) => v < hits[best] && (best = k));
  return CORNERS[order[best]];
}

/** The vega-lite specification of one axes with these curves. @internal */
export function buildSpec(curves: Curve[], o: AxesSpec): Record<string, unknown> {
  const [w, h] = axesPixels(o.figsize);
  const xdom = o.xlim ? checkLim('xlim', o.xlim, o.xscale) : autoDomain([...curves.flatMap((c) => c.x), ...o.vlines.map((l) => l.at)], o.xscale);
  const ydom = o.ylim ? checkLim('ylim', o.ylim, o.yscale) : autoDomain([...curves.flatMap((c) => c.y), ...o.hlines.map((l) => l.at)], o.yscale);

  // resolve cycle colours in curve order, counting only curves without their own colour
  let cyc = 0;
  const colors = curves.map((c) => c.fmt.color ?? COLOR_CYCLE[cyc++ % COLOR_CYCLE.length]);
  const ids = curves.map((_, k) => `s${k}`);
  const rows: { s: string; i: number; x: number | null; y: number | null }[] = [];
  curves.forEach((c, k) =>
    c.y.forEach((y, i) => {
      const x = c.x[i];
      rows.push({ s: ids[k], i, x: usable(x, o.xscale) ? x : null, y: usable(y, o.yscale) ? y : null });
    }),
  );

  const labelled = curves.map((c, k) => (c.label === null ? null : ids[k])).filter((v): v is string => v !== null);
  let legend: Record<string, unknown> | null = null;
  if (labelled.length) {
    const labels = curves.filter((c) => c.label !== null).map((c) => c.label as string);
    const longest = Math.max(...labels.map((l) => l.length));
    // a rough box: 0.6 em per character plus the symbol; rows of 1.3 em
    const box: [number, number] = [longest * SIZES.fontSize * 0.8 + LEGEND.handle + 16, labels.length * (LEGEND.handle + LEGEND.rowPadding) + 2 * LEGEND.padding];
    const scale = (v: number, dom: [number, number], s: Scale, len: number) =>
      s === 'log' ? ((Math.log10(v) - Math.log10(dom[0])) / (Math.log10(dom[1]) - Math.log10(dom[0]))) * len : ((v - dom[0]) / (dom[1] - dom[0])) * len;
    const orient =
      o.legendLoc === 'best'
        ? bestCorner(curves, (x, y) => [scale(x, xdom, o.xscale, w), h - scale(y, ydom, o.yscale, h)], [w, h], box)
        : CORNERS[o.legendLoc];
    const expr = curves.reduceRight((acc, c, k) => (c.label === null ? acc : `datum.value === '${ids[k]}' ? ${JSON.stringify(c.label)} : ${acc}`), "''");
    legend = {
      orient,
      title: null,
      values: labelled,
      labelExpr: expr,
      offset: 6,
      padding: LEGEND.padding,
      rowPadding: LEGEND.rowPadding,
      symbolType: 'stroke',
      symbolSize: LEGEND.handle ** 2,
      symbolStrokeWidth: SIZES.lineWidth,
      labelFontSize: SIZES.fontSize,
      labelLimit: 400,
      fillColor: 'rgba(255, 255, 255, 0.8)',
      strokeColor: '#cccccc',
      cornerRadius: 3,
      ...markerSymbols(curves, ids, colors),
    };
  }

  const series = { field: 's', type: 'nominal' };
  const encoding = {
    x: { field: 'x', type: 'quantitative', scale: { type: o.xscale, domain: xdom, nice: false, ...(o.xscale === 'linear' ? { zero: false } : {}) }, axis: { title: o.xlabel ?? null, ...(o.xscale === 'log' ? logAxis(xdom) : {}) } },
    y: { field: 'y', type: 'quantitative', scale: { type: o.yscale, domain: ydom, nice: false, ...(o.yscale === 'linear' ? { zero: false } : {}) }, axis: { title: o.ylabel ?? null, ...(o.yscale === 'log' ? logAxis(ydom) : {}) } },
    color: { ...series, scale: { domain: ids, range: colors }, legend },
    strokeDash: { ...series, scale: { domain: ids, range: curves.map((c) => DASHES[c.fmt.line]) }, legend },
    order: { field: 'i', type: 'quantitative' },
  };
  const lineIds = ids.filter((_, k) => curves[k].fmt.line !== 'none');
  const layers: Record<string, unknown>[] = [
    {
      transform: [{ filter: { field: 's', oneOf: lineIds } }],
      mark: { type: 'line', strokeWidth: SIZES.lineWidth, clip: true },
      encoding,
    },
  ];
  // one point layer per marker series: its shape, size and fill are mark properties
  curves.forEach((c, k) => {
    const m = c.fmt.marker;
    if (!m) return;
    layers.push({
      transform: [{ filter: { field: 's', equal: ids[k] } }, { filter: 'isValid(datum.x) && isValid(datum.y)' }],
      mark: { type: 'point', clip: true, shape: m.shape, size: m.size, filled: m.filled, opacity: 1, strokeWidth: 1.5, color: colors[k] },
      encoding: { x: encoding.x, y: encoding.y },
    });
  });
  const rule = (l: RefLine, axis: 'x' | 'y') => ({
    // its own one-row data: on the shared data vega would draw one rule per row
    data: { values: [{}] },
    mark: { type: 'rule', strokeWidth: SIZES.lineWidth, color: l.fmt.color ?? COLOR_CYCLE[cyc++ % COLOR_CYCLE.length], strokeDash: DASHES[l.fmt.line], clip: true },
    encoding: { [axis]: { datum: l.at, type: 'quantitative', scale: axis === 'x' ? encoding.x.scale : encoding.y.scale } },
  });
  for (const l of o.hlines) layers.push(rule(l, 'y'));
  for (const l of o.vlines) layers.push(rule(l, 'x'));

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: w,
    height: h,
    padding: 8,
    background: 'white',
    ...(o.title ? { title: { text: o.title, fontSize: SIZES.fontSize * 1.2, fontWeight: 'normal' } } : {}),
    data: { values: rows },
    layer: layers,
    config: {
      font: 'DejaVu Sans',
      view: { stroke: 'black', strokeWidth: SIZES.frameWidth },
      axis: {
        domain: false,
        grid: true,
        gridColor: SIZES.gridColor,
        gridWidth: SIZES.gridWidth,
        gridOpacity: 1,
        ticks: true,
        tickColor: 'black',
        tickWidth: SIZES.frameWidth,
        tickSize: SIZES.tickSize,
        labelColor: 'black',
        labelFontSize: SIZES.fontSize,
        labelPadding: 3.5,
        labelFlush: false,
        labelOverlap: true,
        titleColor: 'black',
        titleFontSize: SIZES.fontSize,
        titleFontWeight: 'normal',
        titlePadding: 4,
      },
      axisX: { tickCount: Math.max(2, Math.round(w / 50)) },
      axisY: { tickCount: Math.max(2, Math.round(h / 35)) },
      legend: { labelColor: 'black', labelFont: 'DejaVu Sans' },
    },
  };
}
