// plot (the book's d2l.plot), ProgressBoard, Timer and Accumulator. Figures are checked through
// what they must contain: the curves' colours and dash patterns, labels and legend entries in the
// SVG, drawn text and colours in the PNG's pixels, and matplotlib's rules (5% data margins, fmts,
// the colour cycle, the legend in the emptiest corner).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Resvg } from '@resvg/resvg-js';
import * as torch from '../lib';
import { Multinomial } from '../lib/distributions';
import { Accumulator, COLOR_CYCLE, ProgressBoard, Timer, fontFiles, parseFmt, plot } from '../lib/plot';
import { prepare } from '../lib/plot/plot';
import { autoDomain } from '../lib/plot/spec';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-plot-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** RGBA pixels of an SVG rendered at 1x, with or without fonts. */
function pixels(svg: string, withFonts = true): { data: Buffer; width: number; height: number } {
  const r = new Resvg(svg, { background: 'white', font: { loadSystemFonts: false, fontFiles: withFonts ? fontFiles() : [], defaultFontFamily: 'DejaVu Sans' } }).render();
  return { data: r.pixels, width: r.width, height: r.height };
}
function countColor(px: { data: Buffer }, hex: string, tol = 40): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < px.data.length; i += 4) if (Math.abs(px.data[i] - r) + Math.abs(px.data[i + 1] - g) + Math.abs(px.data[i + 2] - b) < tol) n++;
  return n;
}
const dark = (px: { data: Buffer }) => countColor(px, '#000000', 200);
/** The legend group's horizontal offset inside the plot area. */
const legendX = (svg: string) => Number(/role-legend"[^>]*><g transform="translate\(([\d.]+),/.exec(svg)![1]);
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('format strings (matplotlib fmt)', () => {
  test("d2l's defaults '-', 'm--', 'g-.', 'r:' and markers", () => {
    expect(parseFmt('-')).toEqual({ color: null, line: 'solid', marker: null });
    expect(parseFmt('m--')).toEqual({ color: '#bf00bf', line: 'dashed', marker: null });
    expect(parseFmt('g-.')).toEqual({ color: '#008000', line: 'dashdot', marker: null });
    expect(parseFmt('r:')).toEqual({ color: '#ff0000', line: 'dotted', marker: null });
    expect(parseFmt('bo').line).toBe('none');
    expect(parseFmt('bo').marker!.shape).toBe('circle');
    expect(parseFmt('o-k').color).toBe('#000000');
    expect(parseFmt('C1--').color).toBe(COLOR_CYCLE[1]);
    expect(parseFmt('')).toEqual({ color: null, line: 'solid', marker: null });
  });

  test('bad format strings say what is wrong', () => {
    expect(() => parseFmt('q')).toThrow(torch.ArgumentError);
    expect(() => parseFmt('q')).toThrow(/unknown character "q"/);
    expect(() => parseFmt('rg')).toThrow(/two colours/);
    expect(() => parseFmt('--:')).toThrow(/two line styles/);
  });
});

describe("plot's arguments follow d2l.plot", () => {
  test('X omitted: curves against 0, 1, 2, ...; one X shared by several Y', () => {
    const a = prepare([3, 1, 2], undefined, {});
    expect(a.curves).toHaveLength(1);
    expect(a.curves[0].x).toEqual([0, 1, 2]);
    const x = torch.arange(3);
    const b = prepare(x, [x, x.mul(2), [5, 5, 5]], { legend: ['a', 'b'] });
    expect(b.curves.map((c) => c.x)).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2]]);
    expect(b.curves.map((c) => c.y)).toEqual([[0, 1, 2], [0, 2, 4], [5, 5, 5]]);
    expect(b.curves.map((c) => c.label)).toEqual(['a', 'b', null]);
    // d2l's default fmts in order
    expect(b.curves.map((c) => c.fmt.line)).toEqual(['solid', 'dashed', 'dashdot']);
  });

  test('a 2-D tensor is one curve per row; formats are reused in turn past the list', () => {
    const p = prepare(torch.ones(6, 4), undefined, { fmts: ['-', 'k--'] });
    expect(p.curves).toHaveLength(6);
    expect(p.curves.map((c) => c.fmt.line)).toEqual(['solid', 'dashed', 'solid', 'dashed', 'solid', 'dashed']);
  });

  test('mismatches and wrong types are errors', () => {
    expect(() => prepare([[1, 2], [3, 4]], [[1, 2], [3, 4], [5, 6]], {})).toThrow(/received 2 x-series for 3 y-series/);
    expect(() => prepare([1, 2, 3], [1, 2], {})).toThrow(/curve 0 has 3 x values but 2 y values/);
    expect(() => prepare(torch.zeros(2, 2, 2), undefined, {})).toThrow(/1-D or 2-D tensor/);
    expect(() => prepare([1, 'a' as never], undefined, {})).toThrow(/element 1 is "a"/);
    expect(() => prepare([1], undefined, { xscale: 'symlog' as never })).toThrow(/'linear' or 'log'/);
    expect(() => prepare([1], undefined, { figsize: [0, 2] })).toThrow(/figsize/);
    expect(() => prepare([1], undefined, { fmts: [] })).toThrow(/non-empty array/);
  });

  test("matplotlib's 5% margins, also in log space", () => {
    const [lo, hi] = autoDomain([0, 2.9], 'linear');
    expect(lo).toBeCloseTo(-0.145, 12);
    expect(hi).toBeCloseTo(3.045, 12);
    const [llo, lhi] = autoDomain([1, 100, -5, 0], 'log');
    expect(Math.log10(llo)).toBeCloseTo(-0.1, 12);
    expect(Math.log10(lhi)).toBeCloseTo(2.1, 12);
    // a single value is widened by 5% of itself first, then by the margins
    const [clo, chi] = autoDomain([2, 2], 'linear');
    expect(clo).toBeCloseTo(1.89, 12);
    expect(chi).toBeCloseTo(2.11, 12);
  });
});

describe('section 2.4: f(x) = 3x^2 - 4x and its tangent line at x = 1', () => {
  const f = (x: torch.Tensor) => x.pow(2).mul(3).sub(x.mul(4));
  const x = torch.arange(0, 3, 0.1);
  let out: Awaited<ReturnType<typeof plot>>;
  beforeAll(async () => {
    out = await plot(x, [f(x), x.mul(2).sub(3)], { xlabel: 'x', ylabel: 'f(x)', legend: ['f(x)', 'Tangent line (x=1)'], path: path.join(tmp, 'tangent') });
  });

  test('writes an SVG and a PNG twice its size', () => {
    expect(out.files).toEqual({ svg: path.join(tmp, 'tangent.svg'), png: path.join(tmp, 'tangent.png') });
    expect(fs.readFileSync(out.files.svg!, 'utf8')).toBe(out.svg);
    const png = fs.readFileSync(out.files.png!);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const [w, h] = [/width="(\d+)"/, /height="(\d+)"/].map((re) => Number(re.exec(out.svg)![1]));
    // the IHDR chunk holds width and height at bytes 16 and 20
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2 * w, 2 * h]);
    // d2l's figsize 3.5 x 2.5 inches at 72 points per inch, with the axes' share of it inside
    expect(w).toBeGreaterThan(200);
    expect(w).toBeLessThan(3.5 * 72);
  });

  test('the curves: blue solid f(x), magenta dashed tangent', () => {
    expect(out.svg).toMatch(/stroke="#1f77b4" stroke-width="1.5"(?![^>]*stroke-dasharray="5.55)/);
    expect(out.svg).toMatch(/stroke="#bf00bf" stroke-width="1.5"[^>]*stroke-dasharray="5.55,2.4"/);
    const px = pixels(out.svg);
    expect(countColor(px, '#1f77b4')).toBeGreaterThan(100);
    expect(countColor(px, '#bf00bf')).toBeGreaterThan(60);
  });

  test('axis labels, tick labels and the legend are drawn as text with a system font', () => {
    const t = texts(out.svg);
    expect(t).toEqual(expect.arrayContaining(['x', 'f(x)', 'Tangent line (x=1)', '0', '1', '2', '3', '5', '10']));
    expect(fontFiles().length).toBeGreaterThan(0);
    // with fonts the PNG has far more dark (text) pixels than without
    expect(dark(pixels(out.svg)) - dark(pixels(out.svg, false))).toBeGreaterThan(100);
  });

  test("the legend takes the upper left, where the curves leave room (loc='best')", () => {
    expect(legendX(out.svg)).toBeLessThan(20);
  });
});

describe('section 2.6: die-roll estimates converging to 1/6', () => {
  let svg: string;
  beforeAll(async () => {
    torch.manualSeed(0);
    const counts = new Multinomial(10, torch.ones(6).div(6)).sample([500]);
    const cum = counts.cumsum(0);
    const estimates = cum.div(cum.sum({ dim: 1, keepdim: true }));
    ({ svg } = await plot(estimates.T, {
      fmts: ['-'],
      legend: [1, 2, 3, 4, 5, 6].map((i) => `P(die=${i})`),
      hlines: [{ at: 0.167, fmt: 'k--' }],
      xlabel: 'Groups of experiments',
      ylabel: 'Estimated probability',
      figsize: [4.5, 3.5],
      path: path.join(tmp, 'die'),
      formats: ['svg'],
    }));
  });

  test('six curves in the colour cycle, a dashed black line at 0.167, six legend entries', () => {
    for (const c of COLOR_CYCLE.slice(0, 6)) expect(svg).toContain(`stroke="${c}"`);
    // one rule, dashed black, across the axes
    expect(svg.match(/stroke="#000000" stroke-width="1.5" stroke-dasharray="5.55,2.4"/g)).toHaveLength(1);
    const t = texts(svg);
    for (let i = 1; i <= 6; i++) expect(t).toContain(`P(die=${i})`);
    expect(t).toEqual(expect.arrayContaining(['Groups of experiments', 'Estimated probability', '0', '100', '500']));
    expect(fs.existsSync(path.join(tmp, 'die.svg'))).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'die.png'))).toBe(false);
  });
});

describe('more figures', () => {
  test('log axes are labelled with powers of ten', async () => {
    const x = torch.arange(1, 101);
    const { svg } = await plot(x, x.pow(2), { xscale: 'log', yscale: 'log' });
    expect(texts(svg)).toEqual(expect.arrayContaining(['10⁰', '10¹', '10²', '10⁴']));
  });

  test("markers: 'bo' draws blue dots and no line, also in the legend", async () => {
    const { svg } = await plot([1, 3, 2], { fmts: ['bo'], legend: ['pts'] });
    expect(svg).not.toContain('aria-roledescription="line mark"');
    expect((svg.match(/aria-roledescription="point"[^>]*fill="#0000ff"/g) ?? []).length).toBe(3);
    // the legend shows a blue dot (a circle path), not a line sample
    expect(svg).toMatch(/role-legend-symbol"[^>]*><path transform="[^"]*" d="M3,0A3,3[^"]*" fill="#0000ff"/);
  });

  test('a decreasing curve leaves the upper right free for the legend', async () => {
    const { svg } = await plot([0, 1, 2, 3], [3, 0.5, 0.2, 0.1], { legend: ['loss'] });
    expect(legendX(svg)).toBeGreaterThan(60);
  });

  test('option errors', async () => {
    await expect(plot([1, 2], { xlim: [1, 1] })).rejects.toThrow(/xlim as \[low, high\]/);
    await expect(plot([1, 2], { ylim: [0, 1], yscale: 'log' })).rejects.toThrow(/positive on a log scale/);
    await expect(plot([1, 2], { dpi: -1 })).rejects.toThrow(/dpi/);
    await expect(plot([1, 2], { path: '' })).rejects.toThrow(/non-empty string/);
    await expect(plot([1, 2], { formats: ['jpg' as never] })).rejects.toThrow(/'svg' and 'png'/);
    await expect(plot([1, 2], { hlines: ['a' as never] })).rejects.toThrow(/hlines entries/);
  });
});

describe('ProgressBoard', () => {
  test('averages every everyN points and keeps the files current', async () => {
    const file = path.join(tmp, 'board');
    const board = new ProgressBoard({ xlabel: 'epoch', path: file });
    for (let i = 0; i < 4; i++) board.draw(i, torch.tensor(2 * i + 1), 'train_loss', { everyN: 2 });
    board.draw(1, 5, 'val_loss');
    await board.flush();
    // (0, 1) and (1, 3) average to (0.5, 2); (2, 5) and (3, 7) to (2.5, 6)
    expect(board.data.get('train_loss')).toEqual([{ x: 0.5, y: 2 }, { x: 2.5, y: 6 }]);
    expect(board.data.get('val_loss')).toEqual([{ x: 1, y: 5 }]);
    const svg = fs.readFileSync(`${file}.svg`, 'utf8');
    expect(texts(svg)).toEqual(expect.arrayContaining(['train_loss', 'val_loss', 'epoch']));
    // d2l's styles: C0 solid for the first curve, C1 dashed for the second
    expect(svg).toMatch(new RegExp(`stroke="${COLOR_CYCLE[1]}"[^>]*stroke-dasharray="5.55,2.4"`));
    expect(fs.existsSync(`${file}.png`)).toBe(true);
  });

  test('a burst of draws renders the latest data; display: false writes nothing', async () => {
    const file = path.join(tmp, 'burst');
    const board = new ProgressBoard({ path: file });
    const pending = Array.from({ length: 30 }, (_, i) => board.draw(i, 1 / (i + 1), 'loss'));
    await Promise.all(pending);
    const line = /aria-roledescription="line mark" d="([^"]*)"/.exec(fs.readFileSync(`${file}.svg`, 'utf8'))![1];
    expect(line.split('L')).toHaveLength(30);
    const quiet = new ProgressBoard({ path: path.join(tmp, 'quiet'), display: false });
    await quiet.draw(0, 1, 'loss');
    await quiet.flush();
    expect(fs.existsSync(path.join(tmp, 'quiet.svg'))).toBe(false);
  });

  test('a failing redraw never throws into training; flush reports it', async () => {
    const blocker = path.join(tmp, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const board = new ProgressBoard({ path: path.join(blocker, 'board') });
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await expect(board.draw(0, 1, 'loss')).resolves.toBeUndefined();
    await expect(board.flush()).rejects.toThrow();
    expect(board.lastError).not.toBeNull();
    warn.mockRestore();
  });

  test('argument errors', () => {
    const board = new ProgressBoard({ display: false });
    expect(() => board.draw(0, 1, 'loss', { everyN: 0 })).toThrow(/everyN to be a positive integer/);
    expect(() => board.draw(0, torch.ones(2), 'loss')).toThrow(/one-element tensor/);
    expect(() => new ProgressBoard({ ls: ['~'] })).toThrow(torch.ArgumentError);
  });
});

describe('Timer and Accumulator', () => {
  test('Timer records seconds; avg, sum and cumsum of the recorded times', () => {
    const t = new Timer();
    const s = t.stop();
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThan(5);
    t.times.splice(0, 1, 0.5, 1.5, 1);
    expect(t.sum()).toBe(3);
    expect(t.avg()).toBe(1);
    expect(t.cumsum()).toEqual([0.5, 2, 3]);
  });

  test('Accumulator sums numbers and one-element tensors', () => {
    const m = new Accumulator(2);
    m.add(3, torch.tensor(10));
    m.add(torch.tensor([2], { dtype: 'int64' }), 5);
    expect(m.data).toEqual([5, 15]);
    expect(m.get(0) / m.get(1)).toBeCloseTo(1 / 3, 12);
    m.reset();
    expect(m.data).toEqual([0, 0]);
    expect(() => m.add(1)).toThrow(/expected 2 values but received 1/);
    expect(() => m.get(2)).toThrow(torch.ArgumentError);
    expect(() => new Accumulator(-1)).toThrow(torch.ArgumentError);
  });
});
