#!/usr/bin/env node
// npm install hook: use a matching prebuilt or existing build when node-gyp-build finds one that
// loads, otherwise build from source (scripts/build-native.js picks cmake-js or node-gyp).
'use strict';
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
try {
  const file = require('node-gyp-build').resolve(root);
  require(file);
  console.log(`kindling: using ${path.relative(root, file)}; nothing to compile`);
  process.exit(0);
} catch (e) {
  console.log(`kindling: no loadable binary (${String(e.message).split('\n')[0]}); building from source`);
}
const r = spawnSync(process.execPath, [path.join(__dirname, 'build-native.js')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
