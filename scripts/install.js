#!/usr/bin/env node
// npm install hook. Uses a binary node-gyp-build finds (a prebuilt one from prebuilds/, or an
// existing build/Release) when it loads on this machine: then nothing is compiled. Otherwise builds
// from source through scripts/build-native.js (cmake-js when cmake is on PATH, else node-gyp with
// binding.gyp, CPU-only), and when there is no toolchain at all stops with what is missing and the
// commands that install it. Every outcome prints one line saying which path was taken and why.
//
// `npm install --build-from-source` or KINDLING_BUILD_FROM_SOURCE=1 skips the binary search.
'use strict';
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const rel = (f) => path.relative(root, f);
const say = (line) => console.log(`kindling install: ${line}`);
const firstLine = (e) => String((e && e.message) || e).split('\n')[0];

/**
 * The absolute path of an executable found on PATH, or null (no shell needed).
 * @example which('cmake'); // '/usr/bin/cmake'
 */
function which(cmd) {
  if (path.isAbsolute(cmd)) return isExecutable(cmd) ? cmd : null;
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of process.platform === 'win32' ? ['.exe', '.cmd', ''] : ['']) {
      const file = path.join(dir || '.', cmd + ext);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * What this machine has for a source build.
 * @example toolchain(); // { cmake: '/usr/bin/cmake', cxx: '/usr/bin/c++', make: '/usr/bin/make', python: '/usr/bin/python3' }
 */
function toolchain() {
  const cxxEnv = process.env.CXX && process.env.CXX.split(/\s+/)[0];
  return {
    cmake: which('cmake'),
    cxx: (cxxEnv && which(cxxEnv)) || which('c++') || which('g++') || which('clang++') || (process.platform === 'win32' ? 'msvc (found by the build)' : null),
    make: which('make') || which('ninja'),
    python: which('python3') || which('python'),
  };
}

/**
 * The node-gyp-build candidate for this machine if it loads, with its build facts; else why not.
 * @example probeBinary(); // { file: '.../prebuilds/linux-x64/node.napi.glibc.node', info: { blas: 'openblas', ... } }
 */
function probeBinary() {
  let file;
  try {
    file = require('node-gyp-build').resolve(root);
  } catch (e) {
    return { why: `no prebuilt binary matches this machine (${firstLine(e).replace(/^No native build was found for /, '')})` };
  }
  try {
    const mod = require(file);
    if (typeof mod.opTable !== 'function') return { why: `${rel(file)} is not kindling's addon` };
    return { file, info: mod.info() };
  } catch (e) {
    return { why: `${rel(file)} does not load here: ${firstLine(e)}` };
  }
}

/** Package-manager commands for the missing tools, for this platform. */
function installHints() {
  if (process.platform === 'darwin') return ['macOS:          xcode-select --install && brew install cmake'];
  if (process.platform === 'win32') return ['Windows:        Visual Studio Build Tools ("Desktop development with C++") and CMake'];
  if (fs.existsSync('/etc/alpine-release')) return ['Alpine:         apk add build-base cmake openblas-dev python3'];
  return ['Debian/Ubuntu:  sudo apt-get install cmake g++ make libopenblas-dev', 'Fedora/RHEL:    sudo dnf install cmake gcc-c++ make openblas-devel'];
}

const platform = `${process.platform}-${process.arch}, Node ${process.version} (Node-API ${process.versions.napi})`;
const forced = process.env.npm_config_build_from_source === 'true' || ['1', 'true'].includes(process.env.KINDLING_BUILD_FROM_SOURCE || '');

let why;
if (forced) {
  why = 'a source build was asked for (--build-from-source / KINDLING_BUILD_FROM_SOURCE)';
} else {
  const probe = probeBinary();
  if (probe.file) {
    const kind = rel(probe.file).startsWith('prebuilds') ? 'prebuilt binary found' : 'existing build found';
    say(`${kind}: ${rel(probe.file)} loads on ${platform} (blas=${probe.info.blas}, cuda=${probe.info.cuda}); nothing to compile`);
    process.exit(0);
  }
  why = probe.why;
}

const tc = toolchain();
if (tc.cmake && tc.cxx) {
  say(`building from source with cmake-js, because ${why} (cmake: ${tc.cmake}, C++ compiler: ${tc.cxx})`);
} else if (tc.cxx && tc.make && tc.python) {
  say(`building from source with node-gyp, CPU-only fallback (cmake not found on PATH), because ${why} (C++ compiler: ${tc.cxx})`);
} else {
  const missing = [];
  if (!tc.cmake) missing.push('cmake');
  if (!tc.cxx) missing.push('a C++17 compiler (c++, g++ or clang++)');
  if (!tc.cmake && !tc.make) missing.push('make');
  if (!tc.cmake && !tc.python) missing.push('python3 (for the node-gyp fallback)');
  console.error(
    [
      `kindling install: cannot install kindling on ${platform}:`,
      `  no usable binary: ${why};`,
      `  and no toolchain to build from source: missing ${missing.join(', ')}.`,
      '  to fix it, install the build tools, then run: npm rebuild kindling',
      ...installHints().map((l) => `    ${l}`),
      '  (cmake + a C++17 compiler is the full build; python3 + make + a C++17 compiler builds the CPU-only fallback)',
    ].join('\n'),
  );
  process.exit(1);
}

// node-gyp downloads Node's headers from nodejs.org unless told where they are; Node's own install
// usually has them (<prefix>/include/node), which keeps the fallback build offline. (cmake-js needs
// nothing: it builds against the node-api-headers package.)
const env = { ...process.env };
const nodePrefix = path.resolve(path.dirname(process.execPath), '..');
if (!tc.cmake && !env.npm_config_nodedir) {
  if (fs.existsSync(path.join(nodePrefix, 'include', 'node', 'common.gypi'))) {
    env.npm_config_nodedir = nodePrefix;
    say(`node-gyp uses the Node headers in ${path.join(nodePrefix, 'include', 'node')} (no download)`);
  } else {
    say(`Node's headers are not in ${path.join(nodePrefix, 'include', 'node')}: node-gyp will download them from nodejs.org`);
  }
}

const started = Date.now();
const r = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js')], { cwd: root, stdio: 'inherit', env });
if (r.status !== 0) {
  console.error(`kindling install: the source build failed (exit ${r.status ?? r.signal}); the output above says where.`);
  console.error('  retry with: npm rebuild kindling --foreground-scripts   (build tools, if missing:)');
  for (const l of installHints()) console.error(`    ${l}`);
  process.exit(r.status || 1);
}
const probe = probeBinary();
if (!probe.file) {
  console.error(`kindling install: the source build finished but its binary does not load: ${probe.why}`);
  process.exit(1);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
say(`built ${rel(probe.file)} from source in ${seconds} s (blas=${probe.info.blas}, cuda=${probe.info.cuda})`);
