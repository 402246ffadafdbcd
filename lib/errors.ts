/**
 * kindling's typed errors. Each carries the facts in fields and says what was expected, what was
 * received, and how to fix it.
 */
export class KindlingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Two shapes that cannot be broadcast together. */
export class ShapeMismatchError extends KindlingError {
  constructor(
    readonly op: string,
    readonly lhs: readonly number[],
    readonly rhs: readonly number[],
    readonly dim: number,
    message?: string,
  ) {
    super(
      message ??
        `${op}: the size of tensor a (${lhs[lhs.length - 1 - dim] ?? 1}) must match the size of tensor b (${rhs[rhs.length - 1 - dim] ?? 1}) at non-singleton dimension ${dim}; shapes [${lhs}] and [${rhs}] cannot be broadcast`,
    );
  }
}

/** An invalid shape or size argument (negative, non-integer, non-finite, wrong element count). */
export class ShapeError extends KindlingError {}

/** A dimension index outside [-ndim, ndim). */
export class DimensionError extends KindlingError {
  constructor(readonly dim: number, readonly ndim: number, message?: string) {
    const lo = ndim === 0 ? -1 : -ndim;
    const hi = ndim === 0 ? 0 : ndim - 1;
    super(message ?? `Dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`);
  }
}

/** An index outside a dimension's size. */
export class IndexError extends KindlingError {}

/** A dtype that an operation does not accept. */
export class DTypeError extends KindlingError {}

/** A device that is unknown, unavailable, or mixed with another in one op. */
export class DeviceError extends KindlingError {}

/** A tensor used after dispose(). */
export class DisposedError extends KindlingError {}

/** Autograd misuse: backward without grad, a freed graph, an in-place change of a saved tensor. */
export class AutogradError extends KindlingError {}

/** A value of the wrong type or range passed to a kindling function. */
export class ArgumentError extends KindlingError {}

/** The native addon could not be loaded. */
export class NativeLoadError extends KindlingError {}

export function argError(fn: string, expected: string, received: unknown): ArgumentError {
  return new ArgumentError(`${fn}: expected ${expected} but received ${describe(received)}`);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return `an object (${(v as object).constructor?.name ?? 'Object'})`;
  return `${typeof v} ${String(v)}`;
}
