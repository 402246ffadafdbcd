// Server-side training jobs: the default jobs end to end, job-file validation, stop-and-resume
// giving bitwise the same weights as an uninterrupted run (in process, and with a real SIGTERM to
// a child process), an HTTP server that keeps answering during training, and `kindling train` on
// a CSV job with the digits data.
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import type { Tensor } from '../lib';
import { DIGITS_CSV } from './support/digits';

const { TrainingJob, DEFAULT_JOBS, parseJob, JobValidationError } = torch.jobs;
const ROOT = path.join(__dirname, '..');
const CLI = path.join(__dirname, 'support', 'kindling_cli.ts');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-jobs-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const readMetrics = (dir: string) =>
  fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

function weights(dir: string): Record<string, number[]> {
  const ck = torch.load<{ model: Record<string, Tensor> }>(path.join(dir, 'checkpoint.safetensors'));
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(ck.model)) out[k] = Array.from(t.contiguous().typedArray() as Float32Array);
  return out;
}

const spiralJob = (outDir: string, extra: Partial<torch.jobs.JobInput> = {}): torch.jobs.JobInput => ({
  name: 'spirals-test',
  model: { type: 'mlp', hidden: [32], dropout: 0.1 },
  data: { type: 'spirals', classes: 3, pointsPerClass: 100, noise: 0.2 },
  epochs: 4,
  batchSize: 16,
  optimizer: { type: 'adam', lr: 0.01 },
  schedule: { type: 'step', stepSize: 2, gamma: 0.5 },
  seed: 3,
  checkpointEvery: 7,
  outDir,
  ...extra,
});

describe('default jobs', () => {
  test('linear regression and the spirals MLP train, write metrics, checkpoint and summary', async () => {
    const results = [];
    for (const j of DEFAULT_JOBS) {
      const outDir = path.join(tmp, 'default', String(j.name));
      const summary = await new TrainingJob({ ...j, outDir }).result;
      expect(summary.status).toBe('completed');
      expect(summary.device).toBe('cpu');
      expect(summary.plots.map((p) => path.basename(p))).toEqual(['curves.svg', 'curves.png']);
      for (const f of ['metrics.jsonl', 'checkpoint.safetensors', 'summary.json', 'job.json', 'curves.svg', 'curves.png']) expect(fs.existsSync(path.join(outDir, f))).toBe(true);
      const metrics = readMetrics(outDir);
      expect(metrics).toHaveLength(parseJob(j).epochs);
      for (const m of metrics) for (const k of ['step', 'epoch', 'trainLoss', 'lr', 'samplesPerSec', 'device', 'memory']) expect(m).toHaveProperty(k);
      results.push(metrics[metrics.length - 1]);
    }
    // y = X w + b + N(0, 0.01^2): the best possible MSE is the noise variance, 1e-4
    expect(results[0].valLoss).toBeLessThan(1e-3);
    // three interleaved spirals: no linear model separates them, the MLP does
    expect(results[1].valAcc).toBeGreaterThan(0.95);
  }, 60000);
});

describe('job validation', () => {
  test('every problem is reported at once, with its path', () => {
    let err: InstanceType<typeof JobValidationError> | null = null;
    try {
      parseJob({ model: { type: 'mlp', hidden: [0, 'x'] }, data: { type: 'nope' }, epochs: -1, batchSize: 1.5, extra: true });
    } catch (e) {
      err = e as InstanceType<typeof JobValidationError>;
    }
    expect(err).toBeInstanceOf(JobValidationError);
    const p = err!.problems.join('\n');
    expect(p).toMatch(/model\.hidden\.0:/);
    expect(p).toMatch(/model\.hidden\.1:/);
    expect(p).toMatch(/data\.type: expected type to be one of/);
    expect(p).toMatch(/epochs:/);
    expect(p).toMatch(/batchSize:/);
    expect(p).toMatch(/unknown key "extra"/);
  });

  test('kindling train on a broken job file exits 1 before doing any work', () => {
    const file = path.join(tmp, 'broken.json');
    fs.writeFileSync(file, JSON.stringify({ name: 'broken', model: { type: 'mlp', activation: 'gelu' }, data: { type: 'csv' }, outDir: path.join(tmp, 'broken-out') }));
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'train', file], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Invalid training job .*broken\.json \(2 problems\)/);
    expect(r.stderr).toMatch(/model\.activation:/);
    expect(r.stderr).toMatch(/data\.path:/);
    expect(fs.existsSync(path.join(tmp, 'broken-out'))).toBe(false);
  }, 60000);
});

describe('stop and resume', () => {
  test('stopped after any step and resumed, a run ends with bitwise the same weights', async () => {
    const full = path.join(tmp, 'full');
    await new TrainingJob(spiralJob(full)).result;
    const want = weights(full);
    const fullMetrics = readMetrics(full);
    // steps per epoch: 240 training points / 16 = 15; stop mid-epoch, at an epoch end, and twice
    for (const stops of [[5], [15], [22, 40]]) {
      const dir = path.join(tmp, `resume-${stops.join('-')}`);
      let resume = false;
      for (const at of [...stops, Infinity]) {
        const job = new TrainingJob(spiralJob(dir, { resume }), { autoStart: false });
        job.on('step', (s: { step: number }) => {
          if (s.step === at) job.cancel('test');
        });
        const summary = await job.start();
        expect(summary.status).toBe(at === Infinity ? 'completed' : 'stopped');
        if (at !== Infinity) expect(summary.steps).toBe(at);
        resume = true;
      }
      expect(weights(dir)).toEqual(want);
      expect(readMetrics(dir).map(({ time: _t, memory: _m, samplesPerSec: _s, ...m }) => m)).toEqual(fullMetrics.map(({ time: _t, memory: _m, samplesPerSec: _s, ...m }) => m));
    }
  }, 60000);

  test('SIGTERM to `kindling train` checkpoints and exits 143; --resume finishes with the same weights', async () => {
    const full = path.join(tmp, 'sig-full');
    await new TrainingJob(spiralJob(full, { epochs: 6, checkpointEvery: 1000 })).result;
    const dir = path.join(tmp, 'sig');
    const file = path.join(tmp, 'sig.json');
    fs.writeFileSync(file, JSON.stringify(spiralJob(dir, { epochs: 6, checkpointEvery: 1000 })));
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'train', file], { cwd: ROOT, env: { ...process.env, CI: '1' } });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      // after the first epoch line, stop it mid-way through the second epoch
      if (/epoch 1 \|/.test(out) && !child.killed) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => (out += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(out).toMatch(/SIGTERM: finishing the current step/);
    expect(code).toBe(143);
    const stoppedAt = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    expect(stoppedAt.status).toBe('stopped');
    expect(stoppedAt.steps).toBeLessThan(6 * 15);
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'train', file, '--resume'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/resuming at step \d+/);
    expect(weights(dir)).toEqual(weights(full));
  }, 90000);
});

describe('a server stays responsive during training', () => {
  test('an HTTP request on 127.0.0.1 is answered within 50 ms at every point of a job', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const get = () => new Promise<void>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/' }, (res) => res.resume().on('end', resolve)).on('error', reject));
    await get(); // the server's own first request (module warm-up) happens before training
    const job = torch.train(spiralJob(path.join(tmp, 'http'), { epochs: 6, model: { type: 'mlp', hidden: [128, 128] }, batchSize: 32 }));
    let steps = 0;
    job.on('step', () => steps++);
    const latencies: number[] = [];
    let done = false;
    job.result.then(() => (done = true));
    while (!done) {
      const t0 = process.hrtime.bigint();
      await get();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    server.close();
    expect((await job.result).status).toBe('completed');
    expect(steps).toBe(6 * 8); // 300 spiral points, 240 for training, in batches of 32
    expect(latencies.length).toBeGreaterThan(20);
    console.log(`HTTP during training: ${latencies.length} requests, max ${Math.max(...latencies).toFixed(1)} ms`);
    expect(Math.max(...latencies)).toBeLessThan(50);

  }, 60000);
});

describe('kindling train on a CSV job', () => {
  test('the digits CSV, scaled by 1/16, trains an MLP through the command', () => {
    const dir = path.join(tmp, 'csv-out');
    const file = path.join(tmp, 'digits-job.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'digits',
        model: { type: 'mlp', hidden: [64] },
        data: { type: 'csv', path: DIGITS_CSV, scale: 16, valFraction: 0.2 },
        epochs: 5,
        batchSize: 32,
        optimizer: { type: 'sgd', lr: 0.3 },
        outDir: dir,
      }),
    );
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, 'train', file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: '1' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/digits: .*digits\.csv: 1797 rows, 64 features/);
    const metrics = readMetrics(dir);
    expect(metrics).toHaveLength(5);
    expect(metrics[4].valAcc).toBeGreaterThan(0.9);
  }, 60000);
});
