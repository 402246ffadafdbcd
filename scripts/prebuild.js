#!/usr/bin/env node
// npm run prebuilds: builds the release addon with cmake-js and places it where node-gyp-build (and
// lib/backend/native.ts) find it, in prebuildify's layout: prebuilds/<platform>-<arch>/node.napi.<libc>.node.
//
// prebuildify itself only drives node-gyp, which builds the CPU-only fallback; the release build is
// the CMake one (OpenBLAS linked statically, CUDA kernels when nvcc is present and CMakeLists.txt
// compiles them), so this script produces the same layout from cmake-js, stripped. It prints the
// size before and after stripping, the shared libraries the binary needs, and the newest glibc and
// libstdc++ symbol versions it uses (the minimums the README states).
//
// libstdc++ stays a shared library on purpose: with g++ 12 on Debian 12, -static-libstdc++ pulls in
// arc4random (glibc 2.36, through libstdc++'s COW-string random_device) and _dl_find_object (2.35,
// libgcc's unwinder), raising the glibc floor from 2.34 to 2.36 and losing Ubuntu 22.04, whose
// libstdc++ already has the GLIBCXX_3.4.30 the shared build needs. A lower floor comes from building
// on an older distribution, not from link flags.
//
// It writes only build/prebuild/ (the build tree) and prebuilds/ (both ignored by git).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, 'build', 'prebuild');

/**
 * Runs a command in the package root with inherited output; exits with its status when it fails.
 * @example run('strip', ['--strip-all', file]);
 */
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) fail(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return r;
}

/**
 * The absolute path of an executable on PATH, or null.
 * @example which('nvcc'); // '/usr/local/bin/nvcc' or null
 */
function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const file = path.join(dir || '.', cmd);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Prints the reason and exits non-zero. */
function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

/**
 * The libc family node-gyp-build will look for (its rule: musl when /etc/alpine-release exists).
 * @example libcTag(); // 'glibc'
 */
function libcTag() {
  if (process.platform !== 'linux') return null;
  return fs.existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/**
 * The highest `<prefix>_x.y[.z]` symbol version in a binary's dynamic symbol table, from objdump -T.
 * @example maxSymbolVersion(file, 'GLIBC'); // '2.34'
 */
function maxSymbolVersion(file, prefix) {
  const r = spawnSync('objdump', ['-T', file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) return null;
  const re = new RegExp(`\\b${prefix}_(\\d+(?:\\.\\d+)+)\\b`, 'g');
  let best = null;
  for (const m of r.stdout.matchAll(re)) {
    if (best === null || compareVersions(m[1], best) > 0) best = m[1];
  }
  return best;
}

/** Orders dotted version strings numerically. */
function compareVersions(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  }
  return 0;
}

const mib = (n) => `${(n / 1048576).toFixed(2)} MiB (${n} bytes)`;

// --- build -----------------------------------------------------------------------------------
if (!which('cmake')) fail('cmake is not on PATH; the release build needs cmake (apt-get install cmake g++ libopenblas-dev)');
const nvcc = which('nvcc');
const cmakeArgs = ['--CDCMAKE_BUILD_TYPE=Release', '--CDKINDLING_USE_OPENBLAS=ON'];
if (nvcc) {
  // EXTENSION POINT (issue 5): CMakeLists.txt decides whether CUDA kernels compile in; the release
  // links the CUDA runtime statically so the addon loads on machines without a driver.
  cmakeArgs.push('--CDCMAKE_CUDA_RUNTIME_LIBRARY=Static');
  console.log(`prebuild: nvcc found at ${nvcc}; CMakeLists.txt compiles CUDA kernels when it supports them`);
} else {
  console.log('prebuild: nvcc not found on PATH; the prebuilt binary is CPU-only');
}

const started = Date.now();
run(process.execPath, [
  require.resolve('cmake-js/bin/cmake-js'),
  'rebuild',
  '--out',
  buildDir,
  '--parallel',
  String(os.availableParallelism ? os.availableParallelism() : os.cpus().length),
  ...cmakeArgs,
]);
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const built = path.join(buildDir, 'Release', 'kindling.node');
if (!fs.existsSync(built)) fail(`cmake-js finished but ${path.relative(root, built)} does not exist`);

// --- place it in prebuildify's layout and strip it ---------------------------------------------
const libc = libcTag();
const name = ['node', 'napi', libc, 'node'].filter(Boolean).join('.');
const destDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`);
fs.mkdirSync(destDir, { recursive: true });
for (const stale of fs.readdirSync(destDir).filter((f) => f.endsWith('.node'))) fs.rmSync(path.join(destDir, stale));
const dest = path.join(destDir, name);
fs.copyFileSync(built, dest);
const before = fs.statSync(dest).size;
if (process.platform === 'linux') run('strip', ['--strip-all', dest]);
else if (process.platform === 'darwin') run('strip', ['-Sx', dest]);
const after = fs.statSync(dest).size;

// --- check what was built: it loads, through node-gyp-build's search, with the expected BLAS ---
const probe = spawnSync(
  process.execPath,
  ['-e', "const b = require('node-gyp-build')(process.argv[1]); console.log(JSON.stringify({ file: require('node-gyp-build').resolve(process.argv[1]), info: b.info() }))", root],
  { cwd: root, encoding: 'utf8', env: { ...process.env, PREBUILDS_ONLY: '1' } },
);
if (probe.status !== 0) fail(`the stripped binary does not load:\n${probe.stderr}`);
const { file: resolved, info } = JSON.parse(probe.stdout);
if (path.resolve(resolved) !== dest) fail(`node-gyp-build resolves ${resolved}, not ${dest}`);
if (info.blas !== 'openblas') fail(`the release binary must use OpenBLAS, but it reports blas=${info.blas} (apt-get install libopenblas-dev)`);

console.log(`prebuild: built in ${seconds} s: ${path.relative(root, dest)}`);
console.log(`prebuild:   size ${mib(before)} before strip, ${mib(after)} after`);
console.log(`prebuild:   blas=${info.blas} cuda=${info.cuda} threads=${info.threads}`);
if (process.platform === 'linux') {
  const needed = (spawnSync('objdump', ['-p', dest], { encoding: 'utf8' }).stdout || '')
    .split('\n')
    .filter((l) => /^\s*NEEDED/.test(l))
    .map((l) => l.trim().split(/\s+/)[1]);
  console.log(`prebuild:   needs shared libraries: ${needed.join(' ') || '(objdump not available)'}`);
  const glibc = maxSymbolVersion(dest, 'GLIBC');
  const glibcxx = maxSymbolVersion(dest, 'GLIBCXX');
  console.log(`prebuild:   minimum glibc: ${glibc ?? 'unknown (objdump not available)'}${glibcxx ? `; needs libstdc++ GLIBCXX_${glibcxx}` : ''}`);
}
