/**
 * Loads the native addon through node-gyp-build, so prebuilt binaries (prebuilds/<platform>-<arch>)
 * and local builds (build/Release) are found the same way, and reads the op table from it.
 */
import * as path from 'path';
import { NativeLoadError } from '../errors';
import type { Binding } from './binding';

function load(): Binding {
  const root = path.resolve(__dirname, '..', '..');
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const nodeGypBuild = require('node-gyp-build') as (dir: string) => Binding;
    return nodeGypBuild(root);
  } catch (e) {
    throw new NativeLoadError(
      `kindling: could not load the native addon for ${process.platform}-${process.arch} (Node ${process.version}, ` +
        `Node-API ${process.versions.napi}).\n  ${(e as Error).message}\n` +
        `Fix: rebuild from source with \`npm rebuild kindling\` (needs cmake or python3, make and a C++ compiler; ` +
        `on Debian/Ubuntu: apt-get install cmake g++ libopenblas-dev).`,
    );
  }
}

export const binding: Binding = load();

const table = binding.opTable();
const ids = (names: string[]) => Object.fromEntries(names.map((n, i) => [n, i])) as Record<string, number>;
/** Op ids by name, read from native/include/ops.def through the addon. */
export const UNARY = ids(table.unary);
export const BINARY = ids(table.binary);
export const REDUCE = ids(table.reduce);
