#!/usr/bin/env node
// Long form of the differential fuzz suite: multiplies every property's run count and picks a fresh
// seed unless one is given. Usage: node scripts/fuzz-long.js [multiplier=50] [seed]
// A failure prints fast-check's seed and path; rerun with KINDLING_FUZZ_SEED=<seed> to reproduce.
const { spawnSync } = require('child_process');
const runs = process.argv[2] ?? '50';
const seed = process.argv[3] ?? String(Date.now() % 2 ** 31);
console.log(`fuzz-long: KINDLING_FUZZ_RUNS=${runs} KINDLING_FUZZ_SEED=${seed}`);
const r = spawnSync('npx', ['jest', 'test/fuzz.differential.test.ts', 'test/fuzz.files.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, KINDLING_FUZZ_RUNS: runs, KINDLING_FUZZ_SEED: seed },
});
process.exit(r.status ?? 1);
