/**
 * Finds and loads kindling's native addon, and reads the op table from it.
 *
 * The search follows node-gyp-build's order and naming, so the install hook (which uses
 * node-gyp-build) and this loader agree on which file is meant: `$KINDLING_PREBUILD` (a directory
 * that replaces the package root), a source build in `build/Release` then `build/Debug`, then the
 * prebuilt binaries shipped in `prebuilds/<platform>-<arch>/` in prebuildify's layout
 * (`node.napi.glibc.node`). Unlike node-gyp-build it keeps going when a candidate fails to load, and
 * when none loads the error lists every candidate with the reason it was rejected, the detected
 * platform, and the commands that fix it. `KINDLING_DEBUG_LOAD=1` prints the search as it happens;
 * `PREBUILDS_ONLY=1` skips build/, as node-gyp-build does.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NativeLoadError } from '../errors';
import type { Binding } from './binding';

/** Why a candidate was rejected ('loaded' for the one that was used). */
export type AttemptOutcome =
  | 'loaded'
  | 'missing' // nothing there
  | 'platform' // built for another OS or CPU architecture
  | 'libc' // built for glibc on a musl system, or the reverse
  | 'glibc' // needs a newer glibc (or libstdc++) than this system has
  | 'napi' // needs a newer Node-API (or another Node ABI) than this Node offers
  | 'invalid' // not a native library at all (truncated, corrupt, not an addon)
  | 'error'; // the dynamic loader refused it for another reason

/** One place the loader looked, and what happened there. */
export interface LoadAttempt {
  /** Absolute path of the file (or of the directory that held no file). */
  file: string;
  /** A source build (build/Release, build/Debug) or a shipped prebuilt binary (prebuilds/). */
  source: 'build' | 'prebuild';
  outcome: AttemptOutcome;
  /** One line: what was expected and what was found. */
  reason: string;
}

/** The machine as the loader sees it; every field can be overridden for tests. */
export interface Host {
  platform: string;
  arch: string;
  /** 'glibc' or 'musl' on Linux (node-gyp-build's rule: musl when /etc/alpine-release exists), else null. */
  libc: 'glibc' | 'musl' | null;
  /** The running glibc version ('2.36'), or null when unknown or not glibc. */
  glibcVersion: string | null;
  node: string;
  /** The Node-API version this Node offers. */
  napi: number;
  /** Node's ABI version (process.versions.modules), for abi-tagged prebuilds. */
  abi: string;
}

/** Options of {@link loadNative}; all optional, the defaults describe this process. */
export interface LoadOptions {
  /** Directory holding `build/` and `prebuilds/` (default: the package root). */
  root?: string;
  /** Facts about the machine that replace the detected ones. */
  host?: Partial<Host>;
  /** The Node-API version the addon is built for (default: package.json `binary.napi_versions`). */
  napiRequired?: number;
  /** Environment to read `KINDLING_PREBUILD` and `KINDLING_DEBUG_LOAD` from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Opens one candidate (default: Node's `require`, i.e. dlopen). */
  open?: (file: string) => unknown;
  /** Receives the debug trace; given, it is used whatever `KINDLING_DEBUG_LOAD` says. */
  log?: (line: string) => void;
}

/** A successful load: the addon, the file it came from, and every attempt up to it. */
export interface LoadResult {
  binding: Binding;
  file: string;
  attempts: LoadAttempt[];
  host: Host;
}

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Describes this machine the way the loader matches binaries against it. Reading the glibc version
 * costs a process report (a few milliseconds), so `withGlibcVersion: false` leaves it null.
 * @example
 * detectHost(); // { platform: 'linux', arch: 'x64', libc: 'glibc', glibcVersion: '2.36', node: 'v20.19.0', napi: 9, abi: '115' }
 */
export function detectHost(withGlibcVersion = true): Host {
  const platform = process.platform;
  const libc: Host['libc'] = platform !== 'linux' ? null : fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
  return {
    platform,
    arch: process.arch,
    libc,
    glibcVersion: libc === 'glibc' && withGlibcVersion ? runningGlibc() : null,
    node: process.version,
    napi: Number(process.versions.napi ?? 0),
    abi: process.versions.modules,
  };
}

function runningGlibc(): string | null {
  try {
    const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
    return header?.glibcVersionRuntime ?? null;
  } catch {
    return null;
  }
}

function packageNapiVersion(): number {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
    const versions: number[] = pkg?.binary?.napi_versions ?? [];
    if (versions.length > 0) return Math.min(...versions);
  } catch {
    // no package.json next to the build: fall through to the version the sources are built with
  }
  return 8; // NAPI_VERSION in CMakeLists.txt and binding.gyp
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** Tags of a prebuild file name, parsed as node-gyp-build does (`node.napi.glibc.node`). */
interface Tags {
  runtime?: string;
  napi: boolean;
  abi?: string;
  libc?: string;
  specificity: number;
}

function parseTags(file: string): Tags | null {
  const parts = file.split('.');
  if (parts.pop() !== 'node') return null;
  const tags: Tags = { napi: false, specificity: 0 };
  for (const t of parts) {
    if (t === 'node' || t === 'electron' || t === 'node-webkit') tags.runtime = t;
    else if (t === 'napi') tags.napi = true;
    else if (t.startsWith('abi')) tags.abi = t.slice(3);
    else if (t === 'glibc' || t === 'musl') tags.libc = t;
    else continue;
    tags.specificity++;
  }
  return tags;
}

const ELF_MACHINES: Record<number, string> = { 3: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv64', 0x15: 'ppc64', 0x16: 's390x', 0x102: 'loong64' };
const MACHO_CPUS: Record<number, string> = { 0x01000007: 'x64', 0x0100000c: 'arm64', 7: 'ia32' };
const PE_MACHINES: Record<number, string> = { 0x8664: 'x64', 0xaa64: 'arm64', 0x14c: 'ia32' };

/**
 * Reads a file's header to tell which OS and CPU it was built for, so a wrong binary is reported
 * as such instead of as a cryptic dlopen message. Returns null for an unrecognised header.
 */
function binaryTarget(file: string): { platform: string; arch: string } | null {
  const head = Buffer.alloc(64);
  let n = 0;
  const fd = fs.openSync(file, 'r');
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
    if (n >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
      const le = head[5] !== 2;
      const machine = le ? head.readUInt16LE(18) : head.readUInt16BE(18);
      const platform = head[7] === 9 ? 'freebsd' : 'linux';
      return { platform, arch: ELF_MACHINES[machine] ?? `elf-machine-${machine}` };
    }
    if (n >= 8 && (head.readUInt32LE(0) === 0xfeedfacf || head.readUInt32LE(0) === 0xfeedface)) {
      return { platform: 'darwin', arch: MACHO_CPUS[head.readUInt32LE(4)] ?? 'unknown' };
    }
    if (n >= 8 && head.readUInt32BE(0) === 0xcafebabe) return { platform: 'darwin', arch: 'universal' };
    if (n >= 64 && head.toString('latin1', 0, 2) === 'MZ') {
      const pe = Buffer.alloc(6);
      fs.readSync(fd, pe, 0, 6, head.readUInt32LE(0x3c));
      return { platform: 'win32', arch: PE_MACHINES[pe.readUInt16LE(4)] ?? 'unknown' };
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Turns the dynamic loader's message into an outcome and a one-line reason. */
function classifyOpenError(message: string, host: Host, napiRequired: number): { outcome: AttemptOutcome; reason: string } {
  const first = message.split('\n')[0];
  const glibc = /version `GLIBC_([\d.]+)' not found/.exec(message);
  if (glibc) {
    return { outcome: 'glibc', reason: `glibc too old: the binary needs glibc ${glibc[1]} or newer, this system has ${host.glibcVersion ?? 'an older one'}` };
  }
  const cxx = /version `((?:GLIBCXX|CXXABI)_[\d.]+)' not found/.exec(message);
  if (cxx) return { outcome: 'glibc', reason: `libstdc++ too old: the binary needs ${cxx[1]}, which this system's libstdc++.so.6 lacks` };
  if (/undefined symbol: napi_/.test(message)) {
    return { outcome: 'napi', reason: `Node-API too old: the binary needs Node-API ${napiRequired}, Node ${host.node} offers ${host.napi} (${first})` };
  }
  if (/was compiled against a different Node\.js version|NODE_MODULE_VERSION/.test(message)) {
    return { outcome: 'napi', reason: `built for another Node ABI: ${first}` };
  }
  if (/wrong ELF class|invalid ELF header|file too short|not a mach-o file|incompatible architecture|not a valid Win32 application/i.test(message)) {
    return { outcome: 'platform', reason: `not loadable on ${host.platform}-${host.arch}: ${first}` };
  }
  return { outcome: 'error', reason: `the dynamic loader refused it: ${first}` };
}

type Rejection = { outcome: AttemptOutcome; reason: string };
type Candidate = { file: string; source: LoadAttempt['source']; rejected?: Rejection };

/** The candidates in search order, each either rejected up front (by its name) or left for opening. */
function candidates(root: string, host: Host, prebuildsOnly: boolean): Candidate[] {
  const out: Candidate[] = [];
  const builds = ['build/Release', 'build/Debug'].flatMap((sub) =>
    listDir(path.join(root, sub))
      .filter((f) => f.endsWith('.node'))
      .map((f) => path.join(root, sub, f)),
  );
  if (builds.length === 0) {
    out.push({ file: path.join(root, 'build', 'Release'), source: 'build', rejected: { outcome: 'missing', reason: 'no source build (no .node file in build/Release or build/Debug)' } });
  }
  for (const file of builds) out.push({ file, source: 'build' });

  const prebuilds = path.join(root, 'prebuilds');
  const tuples = listDir(prebuilds);
  const want = `${host.platform}-${host.arch}`;
  if (!tuples.some((t) => matchesTuple(t, host))) {
    const shipped = tuples.length > 0 ? `; shipped: ${tuples.join(', ')}` : '';
    out.push({ file: path.join(prebuilds, want), source: 'prebuild', rejected: { outcome: 'missing', reason: `no prebuilt binary for ${want}${shipped}` } });
  }
  // the matching platform first, the fewest architectures first (node-gyp-build prefers single-arch)
  const ordered = [...tuples].sort((a, b) => Number(matchesTuple(b, host)) - Number(matchesTuple(a, host)) || a.split('+').length - b.split('+').length);
  for (const tuple of ordered) {
    const dir = path.join(prebuilds, tuple);
    const files = listDir(dir)
      .map((f) => ({ f, tags: parseTags(f) }))
      .filter((x): x is { f: string; tags: Tags } => x.tags !== null)
      .sort((a, b) => b.tags.specificity - a.tags.specificity);
    for (const { f, tags } of files) {
      const file = path.join(dir, f);
      let rejected: Rejection | undefined;
      if (!matchesTuple(tuple, host)) {
        rejected = { outcome: 'platform', reason: `wrong platform or architecture: built for ${tuple}, this is ${want}` };
      } else if (tags.libc && tags.libc !== host.libc) {
        rejected = { outcome: 'libc', reason: `built for ${tags.libc}, this system uses ${host.libc ?? 'neither glibc nor musl'}` };
      } else if (tags.abi && !tags.napi && tags.abi !== host.abi) {
        rejected = { outcome: 'napi', reason: `built for Node ABI ${tags.abi}, this Node (${host.node}) has ABI ${host.abi}` };
      } else if (tags.runtime && tags.runtime !== 'node') {
        rejected = { outcome: 'platform', reason: `built for the ${tags.runtime} runtime, not Node` };
      }
      out.push({ file, source: 'prebuild', rejected });
    }
  }
  return prebuildsOnly ? out.filter((c) => c.source !== 'build') : out;
}

function matchesTuple(tuple: string, host: Host): boolean {
  const [platform, archs, extra] = tuple.split('-');
  return extra === undefined && platform === host.platform && (archs ?? '').split('+').includes(host.arch);
}

/**
 * Searches for the addon and loads the first candidate that works.
 *
 * @throws NativeLoadError listing every candidate with why it was rejected, the detected platform,
 *   and the commands that fix it.
 * @example
 * const { binding, file } = loadNative();
 * console.log(file, binding.info()); // .../build/Release/kindling.node { blas: 'openblas', threads: 2, cuda: false }
 * // tests point it at a directory of their own:
 * loadNative({ root: '/tmp/empty' }); // throws NativeLoadError: ... tried, in order: ...
 */
export function loadNative(options: LoadOptions = {}): LoadResult {
  const env = options.env ?? process.env;
  const debug = options.log ?? (env.KINDLING_DEBUG_LOAD && env.KINDLING_DEBUG_LOAD !== '0' ? (l: string) => console.error(l) : undefined);
  const log = (line: string) => debug?.(`kindling:load ${line}`);
  // the glibc version is only read when someone will see it: in the trace or in the error
  const host: Host = { ...detectHost(debug !== undefined), ...options.host };
  const fillGlibc = () => {
    if (host.glibcVersion === null && host.libc === 'glibc' && options.host?.glibcVersion === undefined) host.glibcVersion = runningGlibc();
  };
  const napiRequired = options.napiRequired ?? packageNapiVersion();
  const open = options.open ?? ((file: string) => require(file));

  let root = options.root ?? PACKAGE_ROOT;
  if (env.KINDLING_PREBUILD) {
    // node-gyp-build's <NAME>_PREBUILD: a directory searched instead of the package
    root = path.resolve(env.KINDLING_PREBUILD);
    log(`KINDLING_PREBUILD=${env.KINDLING_PREBUILD}: searching ${root} instead of the package`);
  }
  log(`platform ${describeHost(host)}; addon needs Node-API ${napiRequired}; searching ${root}`);

  const attempts: LoadAttempt[] = [];
  const record = (a: LoadAttempt) => {
    attempts.push(a);
    log(`${a.outcome === 'loaded' ? 'use ' : 'skip'} ${path.relative(root, a.file) || a.file}: ${a.reason}`);
  };
  for (const c of candidates(root, host, Boolean(env.PREBUILDS_ONLY))) {
    if (c.rejected) {
      record({ file: c.file, source: c.source, ...c.rejected });
      continue;
    }
    if (host.napi < napiRequired) {
      record({ file: c.file, source: c.source, outcome: 'napi', reason: `Node-API too old: the addon needs Node-API ${napiRequired}, Node ${host.node} offers ${host.napi}` });
      continue;
    }
    let target: ReturnType<typeof binaryTarget>;
    try {
      target = binaryTarget(c.file);
    } catch (e) {
      record({ file: c.file, source: c.source, outcome: 'missing', reason: `cannot read it: ${(e as Error).message}` });
      continue;
    }
    if (target === null) {
      record({ file: c.file, source: c.source, outcome: 'invalid', reason: 'not a native library (unrecognised file header; truncated or corrupt?)' });
      continue;
    }
    if (target.platform !== host.platform || target.arch !== host.arch) {
      record({ file: c.file, source: c.source, outcome: 'platform', reason: `wrong platform or architecture: the file is a ${target.platform}-${target.arch} binary, this is ${host.platform}-${host.arch}` });
      continue;
    }
    let mod: unknown;
    try {
      mod = open(c.file);
    } catch (e) {
      fillGlibc();
      record({ file: c.file, source: c.source, ...classifyOpenError(String((e as Error).message ?? e), host, napiRequired) });
      continue;
    }
    if (typeof (mod as Partial<Binding> | null)?.opTable !== 'function') {
      record({ file: c.file, source: c.source, outcome: 'invalid', reason: 'it loaded, but it is not kindling\'s addon (no opTable export)' });
      continue;
    }
    record({ file: c.file, source: c.source, outcome: 'loaded', reason: 'loaded' });
    return { binding: mod as Binding, file: c.file, attempts, host };
  }
  fillGlibc();
  throw new NativeLoadError(loadFailureMessage(root, host, attempts));
}

function describeHost(h: Host): string {
  const libc = h.libc === 'glibc' ? `, glibc ${h.glibcVersion ?? '(version unknown)'}` : h.libc === 'musl' ? ', musl' : '';
  return `${h.platform}-${h.arch}${libc}, Node ${h.node} (Node-API ${h.napi}, ABI ${h.abi})`;
}

/** The commands that would fix this machine, most specific first. */
function fixes(host: Host, attempts: LoadAttempt[]): string[] {
  const has = (o: AttemptOutcome) => attempts.some((a) => a.outcome === o);
  const lines: string[] = [];
  if (has('napi')) lines.push('upgrade Node.js: kindling needs Node 18.17 or newer (Node-API 8), then reinstall: npm rebuild kindling');
  if (has('glibc')) {
    lines.push('the prebuilt binary needs a newer glibc or libstdc++ than this system has (README, "Install and prebuilt binaries"): build from source instead, as below');
  }
  lines.push('build from source for this machine:  npm rebuild kindling   (or: npm install kindling --build-from-source)');
  lines.push('  it needs cmake (or python3 + make), a C++17 compiler, and optionally OpenBLAS for fast matrix products:');
  if (host.platform === 'linux') {
    if (host.libc === 'musl') lines.push('  Alpine:         apk add build-base cmake openblas-dev python3');
    else {
      lines.push('  Debian/Ubuntu:  sudo apt-get install cmake g++ make libopenblas-dev');
      lines.push('  Fedora/RHEL:    sudo dnf install cmake gcc-c++ make openblas-devel');
    }
  } else if (host.platform === 'darwin') {
    lines.push('  macOS:          xcode-select --install && brew install cmake');
  } else if (host.platform === 'win32') {
    lines.push('  Windows:        Visual Studio Build Tools ("Desktop development with C++") and CMake');
  } else {
    lines.push(`  ${host.platform}: install cmake and a C++17 compiler with your package manager`);
  }
  lines.push('see the search as it happens:  KINDLING_DEBUG_LOAD=1 node -e "require(\'kindling\')"');
  return lines;
}

function loadFailureMessage(root: string, host: Host, attempts: LoadAttempt[]): string {
  const rel = (f: string) => path.relative(root, f) || f;
  const width = Math.min(48, Math.max(...attempts.map((a) => rel(a.file).length)));
  return [
    'kindling: could not load the native addon.',
    `  platform: ${describeHost(host)}`,
    `  searched: ${root}`,
    '  tried, in order:',
    ...attempts.map((a, i) => `    ${i + 1}. ${rel(a.file).padEnd(width)}  ${a.outcome}: ${a.reason}`),
    '  to fix it:',
    ...fixes(host, attempts).map((l) => `    ${l}`),
  ].join('\n');
}

const loaded = loadNative();

/** The loaded addon. */
export const binding: Binding = loaded.binding;

/**
 * Where the addon was loaded from and what else was tried (for `kindling-check-cuda` and bug reports).
 * @example
 * import { loadedFrom } from 'kindling/dist/backend/native';
 * loadedFrom.file; // '/app/node_modules/kindling/prebuilds/linux-x64/node.napi.glibc.node'
 */
export const loadedFrom: { file: string; attempts: readonly LoadAttempt[] } = { file: loaded.file, attempts: loaded.attempts };

const table = binding.opTable();
const ids = (names: string[]) => Object.fromEntries(names.map((n, i) => [n, i])) as Record<string, number>;
/** Op ids by name, read from native/include/ops.def through the addon. */
export const UNARY = ids(table.unary);
export const BINARY = ids(table.binary);
export const REDUCE = ids(table.reduce);
