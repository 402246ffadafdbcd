#!/usr/bin/env node
// npm run bench: runs bench/workloads.json in kindling and, when PyTorch is importable, in PyTorch
// in the same run; prints one table and writes bench/results/<timestamp>.json.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const spec = require(path.join(root, 'bench/workloads.json'));
const env = { ...process.env, OMP_NUM_THREADS: String(spec.threads), OPENBLAS_NUM_THREADS: String(spec.threads) };
const parse = (out) => Object.fromEntries(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).map((r) => [r.name, r.seconds]));

const k = spawnSync(process.execPath, [path.join(root, 'bench/kindling_bench.js')], { env, encoding: 'utf8' });
if (k.status !== 0) {
  process.stderr.write(k.stderr);
  process.exit(1);
}
const ours = parse(k.stdout);

// PyTorch: Debian's python3-torch lives in /usr/bin/python3; try that first
let theirs = {};
let torchNote = 'PyTorch not found (apt-get install python3-torch libopenblas0-pthread to compare)';
for (const py of ['/usr/bin/python3', 'python3']) {
  const probe = spawnSync(py, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status === 0) {
    const t = spawnSync(py, [path.join(root, 'bench/torch_bench.py')], { env, encoding: 'utf8' });
    if (t.status === 0) {
      theirs = parse(t.stdout);
      torchNote = `PyTorch ${probe.stdout.trim()} (${py})`;
    } else torchNote = `PyTorch run failed: ${t.stderr.split('\n').slice(-3).join(' ')}`;
    break;
  }
}

const rate = (w, s) => {
  if (w.op === 'matmul') return `${((2 * w.n ** 3) / s / 1e9).toFixed(1)} GFLOP/s`;
  const bytes = (w.op === 'add' ? 3 : w.op === 'sum' ? 1 : 2) * w.n * (w.dtype === 'float64' ? 8 : 4);
  return `${(bytes / s / 1e9).toFixed(2)} GB/s`;
};
const fmt = (s) => (s === undefined ? '-' : s < 1e-3 ? `${(s * 1e6).toFixed(2)} us` : `${(s * 1e3).toFixed(3)} ms`);
const rows = spec.workloads.map((w) => {
  const a = ours[w.name];
  const b = theirs[w.name];
  return { name: w.name, kindling: a, pytorch: b ?? null, ratio: b ? b / a : null, rate: rate(w, a) };
});
console.log(`threads: ${spec.threads}; ${torchNote}`);
console.log(['workload'.padEnd(24), 'kindling'.padStart(12), 'pytorch'.padStart(12), 'ratio'.padStart(8), 'kindling rate'.padStart(16)].join(' '));
for (const r of rows) {
  console.log([r.name.padEnd(24), fmt(r.kindling).padStart(12), fmt(r.pytorch ?? undefined).padStart(12), (r.ratio ? r.ratio.toFixed(2) : '-').padStart(8), r.rate.padStart(16)].join(' '));
}
console.log('ratio = PyTorch time / kindling time (higher is better)');
const dir = path.join(root, 'bench/results');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), threads: spec.threads, pytorch: torchNote, rows }, null, 2));
console.log(`results: ${path.relative(root, file)}`);
