// The addon loader: which candidates it tries, in which order, and what it says when none loads.
// Most cases point it at a temporary package root holding fake binaries (a 64-byte ELF header is
// enough for the header check) and inject the dlopen step, so each rejection reason is produced
// on any machine.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { NativeLoadError } from '../lib/errors';
import { loadNative, loadedFrom, binding, type LoadOptions } from '../lib/backend/native';

const LINUX_X64 = { platform: 'linux', arch: 'x64', libc: 'glibc', glibcVersion: '2.36', napi: 9 } as const;
const FAKE_BINDING = { opTable: () => ({ unary: [], binary: [], reduce: [] }) };

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-loader-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** Writes `rel` under the temp root: an ELF header for `machine` (0x3e x86-64, 0xb7 aarch64) or raw bytes. */
function put(rel: string, content: { elfMachine: number } | string): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (typeof content === 'string') fs.writeFileSync(file, content);
  else {
    const head = Buffer.alloc(64);
    head.writeUInt32BE(0x7f454c46, 0); // \x7fELF
    head[4] = 2; // 64-bit
    head[5] = 1; // little-endian
    head[6] = 1;
    head.writeUInt16LE(3, 16); // ET_DYN
    head.writeUInt16LE(content.elfMachine, 18);
    fs.writeFileSync(file, head);
  }
  return file;
}

function failure(options: LoadOptions): NativeLoadError {
  try {
    loadNative({ root, host: LINUX_X64, env: {}, ...options });
  } catch (e) {
    expect(e).toBeInstanceOf(NativeLoadError);
    return e as NativeLoadError;
  }
  throw new Error('expected loadNative to throw');
}

describe('the addon loader', () => {
  test('the package itself loads, and the last attempt is the file in use', () => {
    expect(typeof binding.opTable).toBe('function');
    expect(loadedFrom.file).toMatch(/\.node$/);
    expect(fs.existsSync(loadedFrom.file)).toBe(true);
    const last = loadedFrom.attempts[loadedFrom.attempts.length - 1];
    expect(last).toMatchObject({ file: loadedFrom.file, outcome: 'loaded' });
  });

  test('an empty directory: every candidate listed with its reason, the platform, and the fixes', () => {
    const e = failure({});
    expect(e.message).toContain('kindling: could not load the native addon.');
    expect(e.message).toContain('platform: linux-x64, glibc 2.36, Node');
    expect(e.message).toContain(`searched: ${root}`);
    expect(e.message).toMatch(/1\. build\/Release\s+missing: no source build/);
    expect(e.message).toMatch(/2\. prebuilds\/linux-x64\s+missing: no prebuilt binary for linux-x64/);
    expect(e.message).toContain('npm rebuild kindling');
    expect(e.message).toContain('sudo apt-get install cmake g++ make libopenblas-dev');
    expect(e.message).toContain('KINDLING_DEBUG_LOAD=1');
  });

  test('prebuilds for other platforms and for musl are named and rejected', () => {
    put('prebuilds/darwin-arm64/node.napi.node', { elfMachine: 0xb7 });
    put('prebuilds/linux-x64/node.napi.musl.node', { elfMachine: 0x3e });
    const e = failure({});
    expect(e.message).toMatch(/prebuilds\/linux-x64\/node\.napi\.musl\.node\s+libc: built for musl, this system uses glibc/);
    expect(e.message).toMatch(/prebuilds\/darwin-arm64\/node\.napi\.node\s+platform: wrong platform or architecture: built for darwin-arm64, this is linux-x64/);
    // a matching platform directory exists, so there is no "no prebuilt binary" line
    expect(e.message).not.toContain('no prebuilt binary for linux-x64');
  });

  test('a file in the right place built for another CPU is caught by its header, before dlopen', () => {
    put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0xb7 });
    const open = jest.fn();
    const e = failure({ open });
    expect(open).not.toHaveBeenCalled();
    expect(e.message).toMatch(/platform: wrong platform or architecture: the file is a linux-arm64 binary, this is linux-x64/);
  });

  test('a corrupt file is reported as not a native library', () => {
    put('build/Release/kindling.node', 'not an ELF file at all');
    expect(failure({}).message).toMatch(/build\/Release\/kindling\.node\s+invalid: not a native library/);
  });

  test('glibc too old: the needed and the present versions, and the fix', () => {
    put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const open = () => {
      throw new Error("/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /x/node.napi.glibc.node)");
    };
    const e = failure({ open, host: { ...LINUX_X64, glibcVersion: '2.28' } });
    expect(e.message).toMatch(/glibc: glibc too old: the binary needs glibc 2\.38 or newer, this system has 2\.28/);
    expect(e.message).toContain('the prebuilt binary needs a newer glibc or libstdc++');
  });

  test('libstdc++ too old is told apart from glibc', () => {
    put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const open = () => {
      throw new Error("/lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.30' not found (required by /x/node.napi.glibc.node)");
    };
    expect(failure({ open }).message).toMatch(/glibc: libstdc\+\+ too old: the binary needs GLIBCXX_3\.4\.30/);
  });

  test('Node-API too old: rejected without opening, with the Node upgrade as the first fix', () => {
    put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const open = jest.fn();
    const e = failure({ open, host: { ...LINUX_X64, napi: 7 }, napiRequired: 8 });
    expect(open).not.toHaveBeenCalled();
    expect(e.message).toMatch(/napi: Node-API too old: the addon needs Node-API 8, Node v[\d.]+ offers 7/);
    expect(e.message).toMatch(/to fix it:\n\s+upgrade Node\.js/);
  });

  test('a broken source build falls through to the prebuilt binary', () => {
    put('build/Release/kindling.node', 'truncated');
    const prebuilt = put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const r = loadNative({ root, host: LINUX_X64, env: {}, open: () => FAKE_BINDING });
    expect(r.file).toBe(prebuilt);
    expect(r.attempts.map((a) => a.outcome)).toEqual(['invalid', 'loaded']);
  });

  test('the most specific prebuild wins (node.napi.glibc over node.napi), as in node-gyp-build', () => {
    put('prebuilds/linux-x64/node.napi.node', { elfMachine: 0x3e });
    const tagged = put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const r = loadNative({ root, host: LINUX_X64, env: {}, open: () => FAKE_BINDING });
    expect(r.file).toBe(tagged);
  });

  test('a loadable library that is not kindling is refused', () => {
    put('build/Release/other.node', { elfMachine: 0x3e });
    expect(failure({ open: () => ({}) }).message).toContain("invalid: it loaded, but it is not kindling's addon");
  });

  test('KINDLING_DEBUG_LOAD=1 prints the search as it happens', () => {
    put('prebuilds/linux-x64/node.napi.glibc.node', { elfMachine: 0x3e });
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((l: string) => void lines.push(l));
    try {
      loadNative({ root, host: LINUX_X64, env: { KINDLING_DEBUG_LOAD: '1' }, open: () => FAKE_BINDING });
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toMatch(/^kindling:load platform linux-x64, glibc 2\.36, .*searching /);
    expect(lines).toContain('kindling:load skip build/Release: no source build (no .node file in build/Release or build/Debug)');
    expect(lines).toContain('kindling:load use  prebuilds/linux-x64/node.napi.glibc.node: loaded');
  });

  test('KINDLING_PREBUILD points the search at another directory', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-loader-other-'));
    try {
      const e = failure({ env: { KINDLING_PREBUILD: other } });
      expect(e.message).toContain(`searched: ${other}`);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});
