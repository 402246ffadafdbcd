/**
 * Matplotlib's look, as the book's figures have it: format strings ('-', 'm--', 'g-.', 'r:', 'bo'),
 * its single-letter and tab10 ('C0'..'C9') colours, dash patterns scaled to a 1.5 pt line, and the
 * default sizes. Only data lives here; drawing is vega's.
 */
import { ArgumentError } from '../errors';

/** The tab10 cycle matplotlib uses for lines without a colour. */
export const COLOR_CYCLE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Matplotlib's base colours for the single letters of a format string. */
const LETTER_COLORS: Record<string, string> = {
  b: '#0000ff', g: '#008000', r: '#ff0000', c: '#00bfbf', m: '#bf00bf', y: '#bfbf00', k: '#000000', w: '#ffffff',
};

export type LineStyle = 'solid' | 'dashed' | 'dashdot' | 'dotted' | 'none';

/** Dash patterns of matplotlib's 1.5 pt lines (lines.dashed_pattern etc. times the line width). */
export const DASHES: Record<LineStyle, number[]> = {
  solid: [1, 0],
  dashed: [5.55, 2.4],
  dashdot: [9.6, 2.4, 1.5, 2.4],
  dotted: [1.5, 2.475],
  none: [1, 0],
};

/** Marker letters of format strings and the vega symbol shapes drawing them. */
const MARKERS: Record<string, { shape: string; size: number; filled: boolean }> = {
  'o': { shape: 'circle', size: 36, filled: true },
  '.': { shape: 'circle', size: 9, filled: true },
  's': { shape: 'square', size: 36, filled: true },
  '^': { shape: 'triangle-up', size: 36, filled: true },
  'v': { shape: 'triangle-down', size: 36, filled: true },
  '<': { shape: 'triangle-left', size: 36, filled: true },
  '>': { shape: 'triangle-right', size: 36, filled: true },
  'D': { shape: 'diamond', size: 36, filled: true },
  'd': { shape: 'diamond', size: 24, filled: true },
  // vega's 'cross' is a filled plus; matplotlib's + and x are two strokes (vega path in a unit box)
  '+': { shape: 'M-1,0L1,0M0,-1L0,1', size: 36, filled: false },
  'x': { shape: 'M-1,-1L1,1M-1,1L1,-1', size: 30, filled: false },
};

/** A parsed format string. */
export interface LineFormat {
  /** A CSS colour, or null to take the next colour of the cycle. */
  color: string | null;
  line: LineStyle;
  marker: { shape: string; size: number; filled: boolean } | null;
}

/**
 * Parses a matplotlib format string `[color][marker][line]` in any order: 'm--' is a magenta
 * dashed line, 'g-.' green dash-dot, 'r:' red dotted, 'bo' blue circles without a line, 'C1-'
 * the second colour of the cycle. An empty string is a solid line in the cycle's next colour.
 * @example parseFmt('m--') // { color: '#bf00bf', line: 'dashed', marker: null }
 */
export function parseFmt(fmt: string): LineFormat {
  if (typeof fmt !== 'string') throw new ArgumentError(`plot: expected a format string such as '-', 'm--', 'g-.' or 'r:' but received ${typeof fmt}`);
  let rest = fmt;
  let color: string | null = null;
  let line: LineStyle | null = null;
  let marker: LineFormat['marker'] = null;
  const bad = (why: string) => new ArgumentError(`plot: bad format string ${JSON.stringify(fmt)}: ${why} (expected [color][marker][line] such as '-', 'm--', 'g-.', 'r:', 'bo')`);
  while (rest.length) {
    const cyc = /^C(\d)/.exec(rest);
    if (cyc) {
      if (color) throw bad('two colours');
      color = COLOR_CYCLE[Number(cyc[1])];
      rest = rest.slice(2);
      continue;
    }
    const ls = /^(--|-\.|-|:)/.exec(rest);
    if (ls) {
      if (line) throw bad('two line styles');
      line = ({ '--': 'dashed', '-.': 'dashdot', '-': 'solid', ':': 'dotted' } as const)[ls[1] as '--' | '-.' | '-' | ':'];
      rest = rest.slice(ls[1].length);
      continue;
    }
    const ch = rest[0];
    if (ch in LETTER_COLORS) {
      if (color) throw bad('two colours');
      color = LETTER_COLORS[ch];
    } else if (ch in MARKERS) {
      if (marker) throw bad('two markers');
      marker = MARKERS[ch];
    } else throw bad(`unknown character ${JSON.stringify(ch)}`);
    rest = rest.slice(1);
  }
  // as in matplotlib, a marker without a line style draws markers only
  return { color, line: line ?? (marker ? 'none' : 'solid'), marker };
}

/** Matplotlib's default sizes, in points (= SVG pixels at 72 per inch). */
export const SIZES = {
  fontSize: 10,
  lineWidth: 1.5,
  frameWidth: 0.8,
  gridWidth: 0.8,
  gridColor: '#b0b0b0',
  tickSize: 3.5,
  /** The axes' share of the figure (subplot left 0.125, right 0.9, bottom 0.11, top 0.88). */
  axesFraction: [0.775, 0.77] as const,
  /** Data margins on each side, as a fraction of the range (axes.xmargin / ymargin). */
  margin: 0.05,
};
