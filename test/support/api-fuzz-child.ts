// Child process for test/fuzz.api.test.ts: runs every hostile call in a fresh process so that a native
// crash (segfault, abort, OOM kill) is seen by the parent as a dead child with the last call named,
// not as a dead jest worker. Prints one JSON line per call on stdout: { name, outcome }, where
// outcome is 'ok', 'ok:<summary>' or '<ErrorClass>: <message>'; "start <name>" goes to stderr before
// each call so that the parent can name the call that crashed.
import * as torch from '../../lib';
import { Tensor } from '../../lib';

type Call = [string, () => unknown];

const BAD: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['string', '3'],
  ['object', { a: 1 }],
  ['NaN', NaN],
  ['-1', -1],
  ['1.5', 1.5],
  ['Infinity', Infinity],
  ['2^53', 2 ** 53],
  ['2^40', 2 ** 40],
  ['bigint', 3n],
  ['symbol', Symbol('s')],
  ['function', () => 1],
];
/** Shapes that are malformed or far too big: each must be refused before any allocation. */
const BAD_SHAPES: [string, unknown][] = [
  ['[-1]', [-1]],
  ['[1.5]', [1.5]],
  ['[NaN]', [NaN]],
  ['[2^40]', [2 ** 40]],
  ['[2^20, 2^20]', [2 ** 20, 2 ** 20]],
  ['[2^32, 0]', [2 ** 32, 0]],
  ['[Infinity]', [Infinity]],
  ['["3"]', ['3']],
  ['[[2]]', [[2]]],
  ['[undefined]', [undefined]],
];

/**
 * Calls that used to take the process down (any allocation over 2^32 bytes aborted with "double
 * free or corruption"; setNumThreads after a threaded kernel segfaulted). Run with the argument
 * 'known-crashes'; each must now throw a JS error or return.
 */
const KNOWN_CRASHES: Call[] = [
  ['empty([2^32 + 1], bool) (4 GiB + 1 byte)', () => torch.empty([2 ** 32 + 1], { dtype: 'bool' })],
  ['zeros([2^31]) (8 GiB float32)', () => torch.zeros([2 ** 31])],
  // was a bug: once a multi-threaded kernel had run, setNumThreads(n >= 2) led to SIGSEGV in the next kernel
  ['threaded sum, setNumThreads(2), threaded sum', () => {
    torch.ones([1]).expand([1024, 1024]).sum();
    torch.setNumThreads(2);
    return torch.ones([1]).expand([1024, 1024]).sum();
  }],
];

function summarize(v: unknown): string {
  if (v instanceof Tensor) return `Tensor ${v.dtype} [${v.shape}]`;
  if (Array.isArray(v)) return `array(${v.length})`;
  return typeof v;
}

function calls(): Call[] {
  const out: Call[] = [];
  const x = () => torch.arange(6, { dtype: 'float32' }).reshape([2, 3]);
  const fns = torch as unknown as Record<string, (...a: unknown[]) => unknown>;

  // creation functions with bad shapes and bad scalar arguments
  for (const f of ['zeros', 'ones', 'empty', 'rand', 'randn']) {
    for (const [n, s] of BAD_SHAPES) out.push([`${f}(${n})`, () => fns[f](s)]);
    for (const [n, v] of BAD) out.push([`${f}(${n})`, () => fns[f](v)]);
  }
  for (const [n, s] of BAD_SHAPES) out.push([`full(${n}, 1)`, () => torch.full(s as number[], 1)]);
  for (const [n, v] of BAD) {
    out.push([`arange(${n})`, () => fns.arange(v)]);
    out.push([`linspace(0, 1, ${n})`, () => fns.linspace(0, 1, v)]);
    out.push([`eye(${n})`, () => fns.eye(v)]);
    out.push([`randperm(${n})`, () => fns.randperm(v)]);
    out.push([`tensor(${n})`, () => fns.tensor(v)]);
    out.push([`zeros([2], { dtype: ${n} })`, () => torch.zeros([2], { dtype: v as 'float32' })]);
  }
  out.push(['tensor(ragged)', () => torch.tensor([[1, 2], [3]] as unknown as number[][])]);
  out.push(['tensor([NaN], int64)', () => torch.tensor([NaN], { dtype: 'int64' })]);
  out.push(['tensor(deep nesting)', () => torch.tensor(JSON.parse('['.repeat(5000) + '1' + ']'.repeat(5000)))]);
  out.push(['arange(0, 2^40)', () => torch.arange(0, 2 ** 40)]);
  out.push(['arange(0, 1, 1e-12)', () => torch.arange(0, 1, 1e-12)]);
  out.push(['arange(0, 10, 0)', () => torch.arange(0, 10, 0)]);
  out.push(['linspace(0, 1, 2^40)', () => torch.linspace(0, 1, 2 ** 40)]);
  out.push(['fromTypedArray(Float32Array(6), [4])', () => torch.fromTypedArray(new Float32Array(6), [4])]);
  out.push(['fromTypedArray(misaligned view)', () => torch.fromTypedArray(new Float32Array(new ArrayBuffer(12), 4, 2))]);
  out.push(['fromTypedArray(Uint16Array)', () => torch.fromTypedArray(new Uint16Array(4) as unknown as Float32Array)]);

  // Tensor methods with bad dims, shapes and operands
  const methods: [string, (t: Tensor, v: unknown) => unknown][] = [
    ['reshape', (t, v) => t.reshape(v as number[])],
    ['view', (t, v) => t.view(v as number[])],
    ['expand', (t, v) => t.expand(v as number[])],
    ['permute', (t, v) => t.permute(v as number[])],
    ['transpose', (t, v) => t.transpose(v as number, 0)],
    ['sum', (t, v) => t.sum(v as number)],
    ['mean', (t, v) => t.mean(v as number)],
    ['amax', (t, v) => t.amax(v as number)],
    ['argmax', (t, v) => t.argmax(v as number)],
    ['cumsum', (t, v) => t.cumsum(v as number)],
    ['softmax-like max', (t, v) => t.max(v as number)],
    ['squeeze', (t, v) => t.squeeze(v as number)],
    ['unsqueeze', (t, v) => t.unsqueeze(v as number)],
    ['narrow', (t, v) => t.narrow(0, v as number, 1)],
    ['select', (t, v) => t.select(0, v as number)],
    ['split', (t, v) => t.split(v as number)],
    ['chunk', (t, v) => t.chunk(v as number)],
    ['flatten', (t, v) => t.flatten(v as number)],
    ['index', (t, v) => t.index(v as number)],
    ['get', (t, v) => t.get(v as number)],
    ['add', (t, v) => t.add(v as number)],
    ['mul', (t, v) => t.mul(v as number)],
    ['div', (t, v) => t.div(v as number)],
    ['pow', (t, v) => t.pow(v as number)],
    ['eq', (t, v) => t.eq(v as number)],
    ['matmul', (t, v) => t.matmul(v as Tensor)],
    ['clamp', (t, v) => t.clamp(v as number, 1)],
    ['to', (t, v) => t.to(v as 'float32')],
    ['fill_', (t, v) => t.fill_(v as number)],
    ['gather', (t, v) => t.gather(0, v as Tensor)],
    ['indexSelect', (t, v) => t.indexSelect(0, v as Tensor)],
    ['set', (t, v) => t.clone().set(v as number, 1)],
    ['backward', (t, v) => t.backward(v as Tensor)],
  ];
  const extra: [string, unknown][] = [...BAD, ...BAD_SHAPES, ['100', 100], ['-100', -100], ['big tensor index', torch.tensor([10 ** 9], { dtype: 'int64' })], ['float index', torch.tensor([0.5])], ['[3,3] tensor', torch.ones([3, 3])]];
  for (const [m, f] of methods) for (const [n, v] of extra) out.push([`x.${m}(${n})`, () => f(x(), v)]);

  // free functions with wrong operand types
  for (const f of ['add', 'mul', 'matmul', 'cat', 'stack', 'where', 'sum', 'exp', 'maximum', 'gather', 'indexSelect', 'equal', 'allclose', 'nonzero']) {
    for (const [n, v] of BAD) out.push([`${f}(${n}, ${n})`, () => fns[f](v, v)]);
    out.push([`${f}(x, "x")`, () => fns[f](x(), 'x')]);
  }
  out.push(['cat([])', () => torch.cat([])]);
  out.push(['cat([x, 3])', () => torch.cat([x(), 3 as unknown as Tensor])]);
  out.push(['stack([x, x.T])', () => torch.stack([x(), x().T])]);
  out.push(['indexSelect out of range', () => x().indexSelect(1, torch.tensor([3], { dtype: 'int64' }))]);
  out.push(['gather out of range', () => x().gather(1, torch.tensor([[5, -9, 0]], { dtype: 'int64' }))]);
  out.push(['scatterAdd out of range', () => torch.scatterAdd(torch.zeros([2, 3]), 1, torch.tensor([[7, 0, 0]], { dtype: 'int64' }), torch.ones([1, 3]))]);
  out.push(['index with huge int64 tensor', () => x().index([torch.tensor([2 ** 40], { dtype: 'int64' })])]);
  out.push(['index with negative int64 tensor', () => x().index([torch.tensor([-3], { dtype: 'int64' })])]);
  out.push(['expand to 2^40 elements', () => torch.ones([1]).expand([2 ** 20, 2 ** 20])]);
  // (summing the expanded 2^40 elements is valid but takes minutes: left out)
  out.push(['expand to 2^40 then contiguous', () => torch.ones([1]).expand([2 ** 20, 2 ** 20]).contiguous()]);
  out.push(['matmul with 2^20 inner size (expanded)', () => torch.ones([1, 1]).expand([1, 2 ** 20]).matmul(torch.ones([1, 1]).expand([2 ** 20, 1]))]);
  out.push(['multinomial with 0 probabilities', () => torch.multinomial(torch.zeros([3]), 1)]);
  out.push(['multinomial with NaN', () => torch.multinomial(torch.tensor([NaN, 1]), 1)]);
  out.push(['randint(5, 2)', () => torch.randint(5, 2, [3])]);
  out.push(['div int by zero (floor)', () => torch.tensor([1], { dtype: 'int32' }).div(torch.tensor([0], { dtype: 'int32' }), { roundingMode: 'floor' })]);
  out.push(['remainder int by zero', () => torch.remainder(torch.tensor([1], { dtype: 'int64' }), torch.tensor([0], { dtype: 'int64' }))]);
  out.push(['setNumThreads(0)', () => torch.setNumThreads(0)]);
  out.push(['setNumThreads(-1)', () => torch.setNumThreads(-1)]);
  out.push(['setNumThreads(1e9)', () => torch.setNumThreads(1e9)]);
  out.push(['setNumThreads(NaN)', () => torch.setNumThreads(NaN)]);

  // disposed tensors, and typed arrays over storage that dispose freed
  const disposedUses: [string, (t: Tensor) => unknown][] = [
    ['add', (t) => t.add(1)], ['sum', (t) => t.sum()], ['item', (t) => t.sum().item()], ['toArray', (t) => t.toArray()],
    ['reshape', (t) => t.reshape([3, 2])], ['transpose', (t) => t.T], ['index', (t) => t.index('0')], ['clone', (t) => t.clone()],
    ['matmul', (t) => t.matmul(torch.ones([3, 1]))], ['cat', (t) => torch.cat([t, t])], ['backward', (t) => t.backward()],
    ['typedArray', (t) => t.typedArray()], ['toString', (t) => t.toString()], ['dispose again', (t) => t.dispose()],
    ['as operand', (t) => torch.ones([2, 3]).add(t)], ['copy_ into', (t) => t.copy_(torch.ones([2, 3]))], ['as source of copy_', (t) => torch.ones([2, 3]).copy_(t)],
  ];
  for (const [n, f] of disposedUses) {
    out.push([`disposed.${n}`, () => { const t = x(); t.dispose(); return f(t); }]);
    out.push([`view of disposed base.${n}`, () => { const b = x(); const v = b.T; b.dispose(); v.dispose(); return f(v); }]);
  }
  out.push(['typed array of a disposed tensor: read', () => { const t = torch.ones([1000]); const a = t.typedArray(); t.dispose(); return a.length > 0 ? a[0] : 'detached'; }]);
  out.push(['typed array of a disposed tensor: write', () => { const t = torch.ones([1000]); const a = t.typedArray() as Float32Array; t.dispose(); a.fill(7); return 'ok'; }]);
  out.push(['fromTypedArray over a detached buffer', () => { const ab = new ArrayBuffer(16); structuredClone(ab, { transfer: [ab] }); return torch.fromTypedArray(new Float32Array(ab)); }]);
  out.push(['fromTypedArray then detach then use', () => { const ab = new ArrayBuffer(16); const t = torch.fromTypedArray(new Float32Array(ab)); structuredClone(ab, { transfer: [ab] }); return t.add(1).sum().item(); }]);
  out.push(['tensor() from a detached typed array', () => { const a = new Float32Array(4); structuredClone(a.buffer, { transfer: [a.buffer] }); return torch.tensor(a); }]);
  return out;
}

// optional second/third arguments: run only calls [from, to) of the list (for bisecting a crash)
const list = process.argv[2] === 'known-crashes' ? KNOWN_CRASHES : calls();
const from = Number(process.argv[3] ?? 0);
const to = Number(process.argv[4] ?? list.length);
for (const [name, fn] of list.slice(from, to)) {
  process.stderr.write(`start ${name}\n`);
  let outcome: string;
  try {
    outcome = `ok:${summarize(fn())}`;
  } catch (e) {
    outcome = e instanceof Error ? `${e.constructor.name}: ${e.message.slice(0, 200)}` : `non-Error thrown: ${String(e)}`;
  }
  process.stdout.write(JSON.stringify({ name, outcome }) + '\n');
}
process.stdout.write(JSON.stringify({ done: true }) + '\n');
