// kindling side of the benchmark: runs each workload of bench/workloads.json and prints JSON
// lines {name, seconds} (median of repeated runs after warm-up).
'use strict';
const torch = require('..');
const { workloads, threads } = require('./workloads.json');

torch.setNumThreads(threads);

function timeit(fn, minTime = 0.3) {
  for (let i = 0; i < 3; i++) fn();
  // choose a repeat count so one sample takes ~10 ms
  let reps = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (dt > 0.01 || reps > 1e6) break;
    reps *= 4;
  }
  const samples = [];
  const start = process.hrtime.bigint();
  while (samples.length < 5 || (Number(process.hrtime.bigint() - start) / 1e9 < minTime && samples.length < 50)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i++) fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e9 / reps);
  }
  samples.sort((a, b) => a - b);
  return samples[samples.length >> 1];
}

for (const w of workloads) {
  const opts = { dtype: w.dtype };
  let fn;
  if (w.op === 'matmul') {
    const a = torch.randn(w.n, w.n, opts);
    const b = torch.randn(w.n, w.n, opts);
    fn = () => a.matmul(b).dispose();
  } else {
    const a = torch.rand(w.n, opts);
    const b = torch.rand(w.n, opts);
    fn = { add: () => a.add(b).dispose(), exp: () => a.exp().dispose(), sum: () => a.sum().dispose() }[w.op];
  }
  console.log(JSON.stringify({ name: w.name, seconds: timeit(fn) }));
}
