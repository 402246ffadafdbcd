// API fuzzing of the native boundary: every exported creation function, a wide set of Tensor methods
// and free functions are called with wrong and extreme arguments (undefined, strings, objects, NaN,
// negative, fractional and 2^40-sized sizes, disposed tensors, detached ArrayBuffers). Each call must
// throw a JS Error or return; none may crash, abort or hang the process. The calls run in a child
// process (test/support/api-fuzz-child.ts) so that a segfault is a failed test naming the call, not a
// dead jest worker.
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const CHILD = path.join(__dirname, 'support', 'api-fuzz-child.ts');

interface Outcome {
  name: string;
  outcome: string;
}

/** Runs the child; returns its per-call outcomes, or throws naming the call that killed it. */
function runChild(mode: string): Outcome[] {
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, mode], { cwd: ROOT, timeout: 120_000, encoding: 'utf8', maxBuffer: 64 << 20 });
  const lines = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Outcome & { done?: boolean });
  const started = r.stderr.split('\n').filter((l) => l.startsWith('start '));
  if (r.error || r.signal || r.status !== 0 || !lines.some((l) => l.done)) {
    const last = started[started.length - 1]?.slice(6) ?? '(none)';
    throw new Error(`child died (status ${r.status}, signal ${r.signal}, ${r.error ?? 'no spawn error'}) during call: ${last}\nstderr tail:\n${r.stderr.slice(-1500)}`);
  }
  return lines.filter((l) => !l.done);
}

// The kindling error classes (lib/errors.ts) a refusal should ideally use.
const TYPED = /^(KindlingError|ShapeMismatchError|ShapeError|DimensionError|IndexError|DTypeError|DeviceError|DisposedError|AutogradError|ArgumentError|SafetensorsError)\b/;
// A plain Error/TypeError/RangeError is still a clean JS error (nothing crashed) but gives the user no
// typed class to catch. These are the ones seen when this suite was written; a new one fails the test
// below so that it is looked at.
const KNOWN_UNTYPED: RegExp[] = [
  /^(zeros|ones|empty|rand|randn|full|arange|linspace)\(.*2\^(40|20)/, // "kindling: out of memory allocating N bytes" (plain Error from the addon)
  /^arange\(0, 1, 1e-12\)$/, // same out-of-memory Error
  /^expand to 2\^40 then contiguous$/, // same out-of-memory Error
  /^(zeros|ones|empty|rand|randn)\(null\)$/, // TypeError: Cannot read properties of null (reading 'dtype')
  /^x\.(reshape|view)\(bigint\)$/, // TypeError: Do not know how to serialize a BigInt
  /^x\.select\(symbol\)$/, // TypeError: Cannot convert a Symbol value to a string
  /^randperm\(2\^40\)$/, // RangeError: Invalid typed array length
  /^setNumThreads\(/, // plain Error from the addon ("thread count must be between 1 and 1024")
  /^typed array of a disposed tensor: write$/, // V8's own TypeError: the buffer was detached by dispose (the safe outcome)
  /^fromTypedArray over a detached buffer$/, // V8's TypeError building the Float32Array, before kindling is reached
  // the addon's plan check catches a buffer detached after fromTypedArray (memory-safe, but a plain Error)
  /^fromTypedArray then detach then use$/,
];

describe('API fuzz: hostile arguments never crash the process', () => {
  let outcomes: Outcome[];
  beforeAll(() => {
    outcomes = runChild('all');
  });

  test('every call returns or throws an Error (the child survived all of them)', () => {
    expect(outcomes.length).toBeGreaterThan(1000);
    const bad = outcomes.filter((o) => !o.outcome.startsWith('ok') && !/^[A-Za-z]*Error: /.test(o.outcome));
    expect(bad).toEqual([]);
  });

  test('refusals use kindling typed errors, apart from the known untyped ones', () => {
    const untyped = outcomes.filter((o) => !o.outcome.startsWith('ok') && !TYPED.test(o.outcome) && !KNOWN_UNTYPED.some((re) => re.test(o.name)));
    expect(untyped).toEqual([]);
  });

  test('shapes that are malformed or too large are refused, never allocated', () => {
    const shapeCalls = outcomes.filter((o) => /^(zeros|ones|empty|rand|randn|full)\((\[|2\^|-1|1\.5|NaN|Infinity)/.test(o.name) && !o.name.includes('dtype'));
    expect(shapeCalls.length).toBeGreaterThan(40);
    // [2^32, 0] has zero elements and may legitimately succeed
    expect(shapeCalls.filter((o) => o.outcome.startsWith('ok') && !o.name.includes('[2^32, 0]'))).toEqual([]);
  });

  // toString may print a placeholder; dispose is idempotent; backward refuses earlier (AutogradError)
  test('use after dispose throws DisposedError', () => {
    const disposed = outcomes.filter((o) => o.name.startsWith('disposed.') && !['disposed.dispose again', 'disposed.toString', 'disposed.backward'].includes(o.name));
    expect(disposed.length).toBeGreaterThan(10);
    expect(disposed.filter((o) => !o.outcome.startsWith('DisposedError'))).toEqual([]);
  });

  // Two crashes this suite found, now fixed: allocations over 2^32 bytes aborted with 'double free
  // or corruption' (torch.empty([2 ** 32 + 1], { dtype: 'bool' })), and setNumThreads after a
  // multi-threaded kernel made the next kernel segfault (new workers replayed the last job).
  test('former crashes: storage over 2^32 bytes, setNumThreads after a threaded kernel', () => {
    expect(() => runChild('known-crashes')).not.toThrow();
  });
});
