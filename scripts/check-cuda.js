#!/usr/bin/env node
// npx kindling-check-cuda [--json]
//
// Says whether this kindling can use CUDA, and why not when it cannot: which binary was loaded,
// whether it was built with CUDA and for which GPU architectures, the CUDA runtime it carries, the
// driver, each device (name, memory, compute capability); then runs an elementwise op, a reduction
// and a matmul on every device and compares them with the CPU.
//
// Exit code: 0 CUDA is usable, 1 it is not (no driver, driver too old, no device, a device
// computes wrong results, or the addon does not load), 2 the binary was built without CUDA.
//
// The CUDA facts come from kindling's public torch.cuda API (issue 5 defines it, after PyTorch's
// torch.cuda). Parts of it that a build does not provide yet are reported as "not reported by this
// build", never guessed; the places that read them are marked EXTENSION POINT.
'use strict';
const path = require('path');

const asJson = process.argv.includes('--json');

/**
 * Calls `obj[name]()` when the build provides it; undefined otherwise.
 * @example optional(torch.cuda, 'getArchList'); // ['sm_75', ...] or undefined
 */
function optional(obj, name, ...args) {
  return obj && typeof obj[name] === 'function' ? obj[name](...args) : undefined;
}

/**
 * Largest absolute difference between two tensors' values, or a string when shapes differ.
 * @example maxAbsDiff(torch.ones(2), torch.ones(2)); // 0
 */
function maxAbsDiff(a, b) {
  const x = a.toArray().flat(Infinity);
  const y = b.toArray().flat(Infinity);
  if (x.length !== y.length) return `shape ${a.shape} vs ${b.shape}`;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(Number(x[i]) - Number(y[i])));
  return m;
}

/**
 * Runs an elementwise op, a reduction and a matmul on `device` and compares each with the CPU.
 * @example deviceChecks(torch, 'cuda:0'); // { elementwise: { ok: true, maxAbsDiff: 0 }, ... }
 */
function deviceChecks(torch, device) {
  torch.manualSeed(0);
  const a = torch.randn(64, 96);
  const b = torch.randn(96, 32);
  const cases = {
    elementwise: (x) => torch.exp(x.mul(0.5)).add(1),
    reduction: (x) => x.sum(1),
    matmul: (x, y) => torch.matmul(x, y),
  };
  const out = {};
  for (const [name, f] of Object.entries(cases)) {
    try {
      const cpu = f(a, b);
      const gpu = f(a.to(device), b.to(device)).to('cpu');
      const diff = maxAbsDiff(cpu, gpu);
      out[name] = { ok: typeof diff === 'number' && diff <= 1e-3 * Math.max(1, ...cpu.abs().toArray().flat(Infinity)), maxAbsDiff: diff };
    } catch (e) {
      out[name] = { ok: false, error: String(e.message).split('\n')[0] };
    }
  }
  return out;
}

/**
 * Collects the report; never throws.
 * @example const r = collect(); r.exitCode; // 2 on a CPU-only build
 */
function collect() {
  const report = { binary: null, blas: null, builtWithCuda: null, architectures: null, cudaRuntime: null, driver: null, devices: [], usable: false, reason: null, exitCode: 1 };
  let torch;
  try {
    torch = require(path.join(__dirname, '..', 'dist', 'index.js'));
    report.binary = require(path.join(__dirname, '..', 'dist', 'backend', 'native.js')).loadedFrom.file;
  } catch (e) {
    report.reason = `the kindling addon does not load:\n${e.message}`;
    return report;
  }
  const info = torch.buildInfo();
  report.blas = info.blas;
  report.builtWithCuda = info.cuda;
  if (!info.cuda) {
    report.reason = `built without CUDA: ${path.basename(report.binary)} is a CPU-only binary (torch.cuda.unavailableReason(): ${torch.cuda.unavailableReason()})`;
    report.exitCode = 2;
    return report;
  }

  // EXTENSION POINT (issue 5): build facts of a CUDA-capable binary. Names follow PyTorch
  // (torch.cuda.get_arch_list, torch.version.cuda, the driver version) in camelCase.
  report.architectures = optional(torch.cuda, 'getArchList') ?? 'not reported by this build';
  report.cudaRuntime = optional(torch.cuda, 'runtimeVersion') ?? 'not reported by this build';
  report.driver = optional(torch.cuda, 'driverVersion') ?? 'not reported by this build';

  if (!torch.cuda.isAvailable()) {
    report.reason = torch.cuda.unavailableReason();
    return report;
  }
  const count = torch.cuda.deviceCount();
  for (let i = 0; i < count; i++) {
    // EXTENSION POINT (issue 5): getDeviceProperties(i) -> { name, totalMemory, major, minor, multiProcessorCount }
    const props = optional(torch.cuda, 'getDeviceProperties', i) ?? {};
    const name = props.name ?? optional(torch.cuda, 'getDeviceName', i) ?? 'not reported by this build';
    const capability = props.major !== undefined ? `${props.major}.${props.minor}` : 'not reported by this build';
    report.devices.push({ index: i, name, totalMemory: props.totalMemory ?? null, computeCapability: capability, multiProcessorCount: props.multiProcessorCount ?? null, checks: deviceChecks(torch, `cuda:${i}`) });
  }
  const bad = report.devices.filter((d) => !Object.values(d.checks).every((c) => c.ok));
  if (count === 0) report.reason = 'no CUDA device found';
  else if (bad.length > 0) report.reason = `device ${bad.map((d) => `cuda:${d.index}`).join(', ')} computed results that differ from the CPU`;
  else {
    report.usable = true;
    report.exitCode = 0;
  }
  return report;
}

/** Prints the report for people. */
function print(r) {
  const lines = ['kindling-check-cuda'];
  const row = (k, v) => lines.push(`  ${(k + ':').padEnd(17)}${v}`);
  row('binary', r.binary ?? '(not loaded)');
  if (r.blas) row('blas', r.blas);
  row('built with CUDA', r.builtWithCuda === null ? 'unknown' : r.builtWithCuda ? 'yes' : 'no');
  if (r.builtWithCuda) {
    row('architectures', Array.isArray(r.architectures) ? r.architectures.join(' ') : r.architectures);
    row('CUDA runtime', r.cudaRuntime);
    row('driver', r.driver);
    for (const d of r.devices) {
      const mem = d.totalMemory ? `${(d.totalMemory / 2 ** 30).toFixed(1)} GiB` : 'memory not reported';
      row(`cuda:${d.index}`, `${d.name}, ${mem}, compute capability ${d.computeCapability}`);
      for (const [k, c] of Object.entries(d.checks)) row(`  ${k}`, c.ok ? `matches the CPU (max |diff| ${c.maxAbsDiff})` : `FAILS: ${c.error ?? `max |diff| ${c.maxAbsDiff}`}`);
    }
  }
  row('CUDA usable', r.usable ? 'yes' : `no: ${r.reason}`);
  if (r.exitCode === 2) lines.push('  a CUDA-capable kindling binary is needed; this one was compiled without the CUDA kernels');
  lines.push(`  exit code ${r.exitCode} (0 usable, 1 not usable, 2 built without CUDA)`);
  console.log(lines.join('\n'));
}

const report = collect();
if (asJson) console.log(JSON.stringify(report, null, 2));
else print(report);
process.exitCode = report.exitCode;
