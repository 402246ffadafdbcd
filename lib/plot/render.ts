/**
 * Rendering: vega-lite compiles the specification to vega, vega renders it to an SVG string (no
 * browser, no canvas), and resvg rasterises that SVG to PNG with the system's fonts.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as ResvgJs from '@resvg/resvg-js';
import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { ArgumentError, KindlingError } from '../errors';

/** Which files to write and how large the PNG is. */
export interface OutputOptions {
  /**
   * Where to write: a path without extension (`runs/tangent` writes runs/tangent.svg and
   * runs/tangent.png) or ending in .svg or .png (the other file goes beside it). Folders are
   * created. Without a path nothing is written and the images are only returned.
   */
  path?: string;
  /** Which files to write (default both). */
  formats?: readonly ('svg' | 'png')[];
  /** PNG resolution in dots per inch (default 144, twice the SVG's 72). */
  dpi?: number;
}

/** The rendered figure, and the files written. */
export interface Rendered {
  svg: string;
  png: Buffer;
  files: { svg?: string; png?: string };
}

// vega, vega-lite and resvg take about 60 ms to load: only figures pay for them
let libs: { vega: typeof Vega; vl: typeof VegaLite; resvg: typeof ResvgJs } | null = null;
function load(): NonNullable<typeof libs> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return (libs ??= { vega: require('vega'), vl: require('vega-lite'), resvg: require('@resvg/resvg-js') });
}

const FONT_DIRS = ['/usr/share/fonts', '/usr/local/share/fonts', '/Library/Fonts', '/System/Library/Fonts', 'C:\\Windows\\Fonts'];
let fontFilesCache: string[] | null = null;

/**
 * The TrueType/OpenType font files found in the usual system folders (resvg needs one to draw
 * text; on Debian `apt-get install fonts-dejavu-core` provides DejaVu Sans, matplotlib's default font).
 * @example fontFiles().length > 0 // text will be drawn in PNGs
 */
export function fontFiles(): string[] {
  if (fontFilesCache) return fontFilesCache;
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.(ttf|otf|ttc)$/i.test(e.name)) found.push(p);
    }
  };
  for (const d of FONT_DIRS) walk(d, 0);
  // DejaVu Sans first: it is what the figures ask for, and resvg falls back to the first font
  found.sort((a, b) => Number(!/DejaVuSans\.ttf$/.test(a)) - Number(!/DejaVuSans\.ttf$/.test(b)));
  fontFilesCache = found;
  return found;
}

let warnedNoFonts = false;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** SVG text of a vega-lite specification. @internal */
export async function toSvg(spec: Record<string, unknown>): Promise<string> {
  // vega-lite warns on the console about harmless choices (e.g. nominal fields on some channels)
  const { vega, vl } = load();
  // each stage runs in its own turn of the event loop, so a server drawing a figure stays responsive
  const vg = vl.compile(spec as never, { logger: vega.logger(vega.None) }).spec;
  await nextTurn();
  const parsed = vega.parse(vg);
  await nextTurn();
  const view = new vega.View(parsed, { renderer: 'none', logLevel: vega.Error });
  await nextTurn();
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * PNG bytes of an SVG, at dpi dots per inch (the SVG is 72 per inch), drawn by resvg with the
 * system's fonts.
 * @example fs.writeFileSync('fig.png', svgToPng((await plot([1, 3, 2])).svg, 300));
 */
export function svgToPng(svg: string, dpi = 144): Buffer {
  return new (load().resvg.Resvg)(svg, resvgOptions(dpi)).render().asPng();
}

/** svgToPng on libuv's thread pool, so the event loop keeps running while resvg draws. */
export async function svgToPngAsync(svg: string, dpi = 144): Promise<Buffer> {
  return (await load().resvg.renderAsync(svg, resvgOptions(dpi))).asPng();
}

function resvgOptions(dpi: number): Record<string, unknown> {
  if (!(typeof dpi === 'number' && dpi > 0 && dpi <= 2400)) throw new ArgumentError(`plot: expected dpi in (0, 2400] but received ${dpi}`);
  const fonts = fontFiles();
  if (fonts.length === 0 && !warnedNoFonts) {
    warnedNoFonts = true;
    process.emitWarning('kindling plot: no font files found, so PNGs have no text; on Debian run `apt-get install fonts-dejavu-core`', 'KindlingWarning');
  }
  return {
    fitTo: { mode: 'zoom', value: dpi / 72 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  };
}

/** Where the SVG and PNG of `target` go. @internal */
export function outputPaths(target: string): { svg: string; png: string } {
  const base = /\.(svg|png)$/i.test(target) ? target.slice(0, -4) : target;
  return { svg: `${base}.svg`, png: `${base}.png` };
}

/** Renders a vega-lite spec and writes the files asked for. @internal */
export async function render(spec: Record<string, unknown>, out: OutputOptions = {}): Promise<Rendered> {
  const formats = out.formats ?? ['svg', 'png'];
  for (const f of formats) if (f !== 'svg' && f !== 'png') throw new ArgumentError(`plot: expected formats among 'svg' and 'png' but received ${JSON.stringify(f)}`);
  if (out.path !== undefined && (typeof out.path !== 'string' || out.path === '')) throw new ArgumentError(`plot: expected path to be a non-empty string but received ${JSON.stringify(out.path)}`);
  let svg: string;
  try {
    svg = await toSvg(spec);
  } catch (e) {
    throw new KindlingError(`plot: vega could not render the figure: ${(e as Error).message}`);
  }
  const png = await svgToPngAsync(svg, out.dpi);
  const files: Rendered['files'] = {};
  if (out.path) {
    const p = outputPaths(out.path);
    fs.mkdirSync(path.dirname(path.resolve(p.svg)), { recursive: true });
    if (formats.includes('svg')) {
      writeAtomic(p.svg, svg);
      files.svg = p.svg;
    }
    if (formats.includes('png')) {
      writeAtomic(p.png, png);
      files.png = p.png;
    }
  }
  return { svg, png, files };
}

/** Writes through a temporary file and a rename, so a viewer never sees half a file. */
function writeAtomic(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
