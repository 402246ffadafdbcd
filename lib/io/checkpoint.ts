/**
 * torch.save / torch.load for kindling, on the safetensors format (never pickle).
 *
 * A flat object of tensors (a model's stateDict) is written as-is, so Python's
 * `safetensors.torch.load_file` reads it as a PyTorch state dict. Anything else (an optimizer's
 * stateDict, a training checkpoint { model, optimizer, epoch }) is stored as:
 *   - its tensors, under their '.'-joined paths ('state.0.momentumBuffer'), and
 *   - everything else, a JSON "skeleton", under the metadata key "kindling.structure".
 * In the skeleton a tensor is `{"$tensor": "<key>"}`, a number JSON cannot hold (NaN, ±Infinity,
 * -0) is `{"$number": "NaN" | "Infinity" | "-Infinity" | "-0"}`, and a user key that starts with '$'
 * gets one more '$' so it can never be mistaken for those. Every other number round-trips exactly
 * (JSON carries the shortest decimal that reads back as the same double).
 */
import { ArgumentError, argError, describe } from '../errors';
import { Tensor } from '../tensor';
import { SafetensorsError, loadSafetensors, saveSafetensors } from './safetensors';

/** The metadata key under which a nested object's non-tensor skeleton is stored. */
export const STRUCTURE_KEY = 'kindling.structure';

/** What `save` accepts: tensors, JSON values and -0/NaN/±Infinity, nested in arrays and plain objects. */
export type Saveable = Tensor | number | string | boolean | null | Saveable[] | { [key: string]: Saveable };

type Json = number | string | boolean | null | Json[] | { [key: string]: Json };

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

function isFlatStateDict(obj: unknown): obj is Record<string, Tensor> {
  return isPlainObject(obj) && Object.values(obj).every((v) => v instanceof Tensor);
}

const escapeKey = (k: string): string => (k.startsWith('$') ? `$${k}` : k);
const unescapeKey = (k: string): string => (k.startsWith('$') ? k.slice(1) : k);

function encodeNumber(x: number): Json {
  if (Number.isNaN(x)) return { $number: 'NaN' };
  if (x === Infinity) return { $number: 'Infinity' };
  if (x === -Infinity) return { $number: '-Infinity' };
  if (Object.is(x, -0)) return { $number: '-0' };
  return x;
}

/** Splits obj into a JSON skeleton and its tensors keyed by '.'-joined paths. */
function flatten(obj: unknown): { skeleton: Json; tensors: Record<string, Tensor> } {
  const tensors: Record<string, Tensor> = {};
  const keyOf = new Map<Tensor, string>(); // a tensor reached twice is stored once and loads as one tensor
  const paths = new Map<string, string>(); // flat key -> readable path, to report collisions
  const open = new Set<object>();
  const walk = (v: unknown, pathParts: string[]): Json => {
    const where = pathParts.length ? pathParts.join('.') : '(root)';
    if (v instanceof Tensor) {
      const seen = keyOf.get(v);
      if (seen !== undefined) return { $tensor: seen };
      const key = pathParts.length ? pathParts.join('.') : 'tensor';
      if (key === '__metadata__') throw new ArgumentError('save: a tensor at path "__metadata__" would collide with the safetensors metadata key; rename it');
      if (paths.has(key)) throw new ArgumentError(`save: two tensors flatten to the same key ${JSON.stringify(key)}; rename one of the keys that contain '.'`);
      paths.set(key, where);
      keyOf.set(v, key);
      tensors[key] = v;
      return { $tensor: key };
    }
    if (typeof v === 'number') return encodeNumber(v);
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return v;
    if (Array.isArray(v) || isPlainObject(v)) {
      if (open.has(v)) throw new ArgumentError(`save: the object at ${where} contains itself (a cycle), which cannot be saved`);
      open.add(v);
      let out: Json;
      if (Array.isArray(v)) {
        out = [];
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) throw new ArgumentError(`save: the array at ${where} has a hole at index ${i}`);
          out.push(walk(v[i], [...pathParts, String(i)]));
        }
      } else {
        out = {};
        for (const [k, x] of Object.entries(v)) out[escapeKey(k)] = walk(x, [...pathParts, k]);
      }
      open.delete(v);
      return out;
    }
    throw argError('save', `a Tensor, number, string, boolean, null, array or plain object at ${where}`, v);
  };
  const skeleton = walk(obj, []);
  return { skeleton, tensors };
}

function rebuild(sk: Json, tensors: Record<string, Tensor>, file: string): Saveable {
  const bad = (problem: string) => new SafetensorsError(file, `the "${STRUCTURE_KEY}" metadata ${problem}`);
  const walk = (v: Json): Saveable => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === '$tensor') {
      const key = v.$tensor;
      if (typeof key !== 'string' || !(key in tensors)) throw bad(`refers to a tensor ${describe(key)} that the file does not hold`);
      return tensors[key];
    }
    if (keys.length === 1 && keys[0] === '$number') {
      const s = v.$number;
      if (s === 'NaN') return NaN;
      if (s === 'Infinity') return Infinity;
      if (s === '-Infinity') return -Infinity;
      if (s === '-0') return -0;
      throw bad(`holds an unknown special number ${describe(s)}`);
    }
    const out: { [key: string]: Saveable } = {};
    for (const k of keys) {
      if (k.startsWith('$') && !k.startsWith('$$')) throw bad(`holds an unknown tag ${JSON.stringify(k)}`);
      out[unescapeKey(k)] = walk(v[k]);
    }
    return out;
  };
  return walk(sk);
}

/**
 * Saves tensors, a model's stateDict, or nested objects mixing tensors with numbers, strings,
 * booleans and null (an optimizer's stateDict, a whole training checkpoint) to a safetensors file.
 * A flat object of tensors keeps its keys, so PyTorch reads it with `safetensors.torch.load_file`.
 * The write is atomic. Tensors are saved by value (requiresGrad and autograd history are not kept);
 * a tensor reached twice is stored once. `obj` is checked at run time (see `Saveable`), so typed
 * objects such as an optimizer's `OptimizerStateDict` need no cast.
 * @example
 * torch.save({ epoch: 3, model: net.stateDict(), optimizer: opt.stateDict() }, 'ckpt.safetensors');
 */
export function save(obj: unknown, file: string, opts: { metadata?: Record<string, string> } = {}): void {
  const metadata = opts.metadata ?? {};
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw argError('save', 'metadata as an object of strings', metadata);
  if (STRUCTURE_KEY in metadata) throw new ArgumentError(`save: the metadata key "${STRUCTURE_KEY}" is reserved by kindling`);
  if (isFlatStateDict(obj)) {
    saveSafetensors(obj, file, { metadata: opts.metadata });
    return;
  }
  const { skeleton, tensors } = flatten(obj);
  saveSafetensors(tensors, file, { metadata: { ...metadata, [STRUCTURE_KEY]: JSON.stringify(skeleton) } });
}

/**
 * Loads what `save` wrote: the same nested structure, or a flat object of tensors for a file
 * without kindling's structure (any safetensors file, e.g. one written by PyTorch). The type
 * parameter states what the caller expects; it is not checked.
 * @example
 * const ckpt = torch.load<{ epoch: number; model: Record<string, torch.Tensor> }>('ckpt.safetensors');
 * net.loadStateDict(ckpt.model);
 */
export function load<T = Saveable>(file: string): T {
  const { tensors, metadata } = loadSafetensors(file);
  const structure = metadata[STRUCTURE_KEY];
  if (structure === undefined) return tensors as T;
  let skeleton: Json;
  try {
    skeleton = JSON.parse(structure);
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw new SafetensorsError(file, `the "${STRUCTURE_KEY}" metadata is not valid JSON (${(e as Error).message})`);
  }
  try {
    return rebuild(skeleton, tensors, file) as T;
  } catch (e) {
    for (const t of Object.values(tensors)) t.dispose();
    throw e;
  }
}
