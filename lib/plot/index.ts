/**
 * Figures and training utilities in the book's style: `plot` (d2l.plot) writing SVG and PNG files,
 * `ProgressBoard` for live training curves, `Timer` and `Accumulator`. Drawing is vega-lite and
 * vega (to SVG) and resvg (to PNG), all in Node without a browser.
 * @example
 * import * as torch from 'kindling';
 * const x = torch.arange(0, 3, 0.1);
 * await torch.plot(x, [x.pow(2).mul(3).sub(x.mul(4)), x.mul(2).sub(3)],
 *   { xlabel: 'x', ylabel: 'f(x)', legend: ['f(x)', 'Tangent line (x=1)'], path: 'runs/tangent' });
 */
export { plot, DEFAULT_FMTS } from './plot';
export type { Data, PlotOptions, RefSpec, Values } from './plot';
export { ProgressBoard } from './board';
export type { Point, ProgressBoardOptions } from './board';
export { Timer, Accumulator } from './utils';
export type { NumberLike } from './utils';
export { fontFiles, svgToPng } from './render';
export type { OutputOptions, Rendered } from './render';
export { parseFmt, COLOR_CYCLE } from './style';
export type { LineFormat } from './style';
export type { LegendLoc, Scale } from './spec';
