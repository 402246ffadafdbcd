/**
 * Native storage shared by a tensor and its views. The bytes live outside V8's heap (64-byte
 * aligned, allocated by the addon, reported to V8 as external memory); a finalizer frees them if
 * nobody disposed them first. Disposal is reference counted: a storage is freed once every tensor
 * that views it has been disposed.
 */
import { binding } from './backend/native';
import { ArgumentError } from './errors';

/** Node hands native memory to JS as external buffers of at most 2^32 bytes (Node 18 to 20). */
export const MAX_STORAGE_BYTES = 2 ** 32;

// Disposed buffers that no typed-array view ever saw are reused by size without a trip through
// the addon (creating an external ArrayBuffer costs about a microsecond, most of a small op).
const POOL_MAX_BYTES = 1 << 20;
const POOL_PER_SIZE = 32;
const pool = new Map<number, ArrayBuffer[]>();

function takePooled(nbytes: number, zero: boolean): ArrayBuffer | undefined {
  const list = pool.get(nbytes);
  const buf = list?.pop();
  if (buf && zero) new Uint8Array(buf).fill(0);
  return buf;
}

/** Drops the pooled buffers (the addon's own cache is emptied separately). */
export function emptyPool(): void {
  pool.clear();
}

export class Storage {
  /** Bumped by every in-place write; autograd uses it to detect modified saved tensors. */
  version = 0;
  private refs = 0;
  private buf: ArrayBuffer | null;

  /** True when the memory belongs to a JS ArrayBuffer (fromTypedArray): never freed by kindling. */
  private external = false;

  /** Set once a typed array over the buffer has been handed to a caller: never pooled then. */
  exposed = false;

  constructor(readonly nbytes: number, buf?: ArrayBuffer, zero = true) {
    if (buf === undefined && nbytes > MAX_STORAGE_BYTES) {
      throw new ArgumentError(`a tensor of ${nbytes} bytes is over kindling's limit of 4 GiB (2^32 bytes) per tensor storage, Node's external buffer limit`);
    }
    this.buf = buf ?? (nbytes <= POOL_MAX_BYTES ? takePooled(nbytes, zero) : undefined) ?? binding.alloc(nbytes, zero);
    this.external = buf !== undefined;
  }

  /** Storage over a JS-owned ArrayBuffer, shared without copying. */
  static wrap(buf: ArrayBuffer): Storage {
    return new Storage(buf.byteLength, buf);
  }

  get buffer(): ArrayBuffer {
    return this.buf as ArrayBuffer;
  }

  get freed(): boolean {
    return this.buf === null;
  }

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs <= 0 && this.buf) {
      if (!this.external) {
        const list = this.nbytes <= POOL_MAX_BYTES && !this.exposed ? (pool.get(this.nbytes) ?? []) : null;
        if (list && list.length < POOL_PER_SIZE) {
          list.push(this.buf);
          pool.set(this.nbytes, list);
        } else {
          binding.free(this.buf);
        }
      }
      this.buf = null;
    }
  }
}
