/**
 * Native storage shared by a tensor and its views. The bytes live outside V8's heap (64-byte
 * aligned, allocated by the addon, reported to V8 as external memory); a finalizer frees them if
 * nobody disposed them first. Disposal is reference counted: a storage is freed once every tensor
 * that views it has been disposed.
 */
import { binding } from './backend/native';

export class Storage {
  /** Bumped by every in-place write; autograd uses it to detect modified saved tensors. */
  version = 0;
  private refs = 0;
  private buf: ArrayBuffer | null;

  /** True when the memory belongs to a JS ArrayBuffer (fromTypedArray): never freed by kindling. */
  private external = false;

  constructor(readonly nbytes: number, buf?: ArrayBuffer, zero = true) {
    this.buf = buf ?? binding.alloc(nbytes, zero);
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
      if (!this.external) binding.free(this.buf);
      this.buf = null;
    }
  }
}
