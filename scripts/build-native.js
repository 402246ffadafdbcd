#!/usr/bin/env node
// Builds the native addon from source: cmake-js when cmake is on PATH (the primary build, with
// OpenBLAS and, when nvcc is present, CUDA), otherwise node-gyp with binding.gyp (CPU only).
// Prints which path it took and why.
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const extra = process.argv.slice(2);

if (has('cmake')) {
  console.log('kindling: building the native addon with cmake-js (cmake found on PATH)');
  run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'compile', '--parallel', '2', ...extra]);
} else {
  console.log('kindling: cmake not found on PATH; building the CPU-only addon with node-gyp (binding.gyp)');
  let gyp;
  try {
    gyp = require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    gyp = path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  }
  run(process.execPath, [gyp, 'rebuild']);
}
