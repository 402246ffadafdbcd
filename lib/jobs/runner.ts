/**
 * TrainingJob: runs a validated job step by step on the main thread, yielding to the event loop
 * after every optimizer step (so a server in the same process keeps answering), writing JSON-lines
 * metrics and resumable checkpoints under the job's output directory.
 *
 * Resuming is exact: the checkpoint holds the model, optimizer and scheduler states, the default
 * random stream, the shuffling generator's state at the start of the epoch, the batch position
 * within the epoch and the epoch's running sums, so a resumed run performs the same floating-point
 * operations in the same order as an uninterrupted one.
 */
import { EventEmitter } from 'events';
import * as fs from 'fs';
import * as path from 'path';
import { noGrad } from '../autograd/mode';
import { DataLoader } from '../data/dataloader';
import { TensorDataset } from '../data/dataset';
import { KindlingError } from '../errors';
import { load, save } from '../io/checkpoint';
import { tidy } from '../memory';
import * as nn from '../nn';
import * as F from '../nn/functional';
import { Adam, AdamW } from '../optim/adam';
import { CosineAnnealingLR, LinearLR, LRScheduler, StepLR } from '../optim/lr_scheduler';
import { Optimizer } from '../optim/optimizer';
import { SGD } from '../optim/sgd';
import { Generator, getRngState, manualSeed, setRngState } from '../random';
import { ProgressBoard } from '../plot/board';
import { Tensor } from '../tensor';
import { buildData, buildModel, JobData } from './build';
import { Job, JobInput, parseJob } from './spec';

/** One line of metrics.jsonl. */
export interface JobMetrics {
  type: 'epoch';
  step: number;
  epoch: number;
  trainLoss: number;
  trainAcc?: number;
  valLoss?: number;
  valAcc?: number;
  lr: number;
  samplesPerSec: number;
  device: string;
  /** Bytes: the process's resident set and kindling's native (external) memory. */
  memory: { rss: number; external: number };
  time: string;
}

export interface JobSummary {
  name: string;
  status: 'completed' | 'stopped' | 'failed';
  /** The signal or reason that stopped the job, when it was stopped. */
  reason?: string;
  epochs: number;
  steps: number;
  device: string;
  seconds: number;
  final?: JobMetrics;
  outDir: string;
  checkpoint: string;
  metrics: string;
  plots: string[];
  error?: string;
}

interface Position {
  epoch: number;
  batch: number;
  step: number;
  loaderState: { seed: string; offset: number };
  sums: { loss: number; correct: number; count: number; seconds: number };
}

const CHECKPOINT = 'checkpoint.safetensors';

/** Picks the device for 'auto' | 'cpu' | 'cuda'; CUDA is not in this build, so 'cuda' explains why. */
function pickDevice(want: Job['device']): string {
  if (want === 'cuda') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { cuda } = require('../index') as typeof import('../index');
    if (!cuda.isAvailable()) throw new KindlingError(`the job asks for device 'cuda' but CUDA is unavailable: ${cuda.unavailableReason()}`);
    return 'cuda';
  }
  if (want === 'auto') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { cuda } = require('../index') as typeof import('../index');
    return cuda.isAvailable() ? 'cuda' : 'cpu';
  }
  return 'cpu';
}

/**
 * A training job. Events: 'start' ({ job, device, data }), 'step' ({ step, epoch, batch,
 * batches, loss }), 'epoch' (JobMetrics), 'checkpoint' (path), 'done' (JobSummary).
 * @example
 * const handle = new TrainingJob({ model: { type: 'mlp' }, data: { type: 'spirals' }, epochs: 5 });
 * handle.on('epoch', (m) => console.log(m.epoch, m.valAcc));
 * const summary = await handle.result;
 */
export class TrainingJob extends EventEmitter {
  readonly job: Job;
  readonly outDir: string;
  /** The latest epoch metrics (null before the first epoch ends). */
  latest: JobMetrics | null = null;
  /** Resolves when the job ends, completed or stopped; rejects only on errors. */
  readonly result: Promise<JobSummary>;
  private stopReason: string | null = null;
  private started = false;
  private resolveResult!: (s: JobSummary) => void;
  private rejectResult!: (e: unknown) => void;

  constructor(job: JobInput | Job, { autoStart = true }: { autoStart?: boolean } = {}) {
    super();
    this.job = parseJob(job);
    this.outDir = path.resolve(this.job.outDir ?? path.join('runs', this.job.name));
    this.result = new Promise<JobSummary>((res, rej) => {
      this.resolveResult = res;
      this.rejectResult = rej;
    });
    // an unobserved failure must not become an unhandled rejection before the caller awaits
    this.result.catch(() => undefined);
    if (autoStart) setImmediate(() => this.start());
  }

  /** Starts the job (once); the constructor does this on the next tick unless autoStart is false. */
  start(): Promise<JobSummary> {
    if (!this.started) {
      this.started = true;
      this.run().then(this.resolveResult, this.rejectResult);
    }
    return this.result;
  }

  /** Asks the job to stop after the current step; it writes a checkpoint first. */
  cancel(reason = 'cancelled'): void {
    if (this.stopReason === null) this.stopReason = reason;
  }

  get stopping(): boolean {
    return this.stopReason !== null;
  }

  private async run(): Promise<JobSummary> {
    const job = this.job;
    const t0 = Date.now();
    const device = pickDevice(job.device);
    fs.mkdirSync(this.outDir, { recursive: true });
    const ckptPath = path.join(this.outDir, CHECKPOINT);
    const metricsPath = path.join(this.outDir, 'metrics.jsonl');
    fs.writeFileSync(path.join(this.outDir, 'job.json'), JSON.stringify(job, null, 2) + '\n');

    // everything random is derived from the seed: data, then initial weights, then the loader
    manualSeed(job.seed);
    await yieldToEventLoop();
    const data = buildData(job);
    await yieldToEventLoop();
    const model = buildModel(job, data);
    model.to(device);
    const optimizer = makeOptimizer(job, model);
    const scheduler = makeScheduler(job, optimizer);
    const loaderGen = new Generator().manualSeed(job.seed + 1);
    const loader = new DataLoader(new TensorDataset(...data.train), { batchSize: job.batchSize, shuffle: true, generator: loaderGen });
    const batches = loader.length;

    let pos: Position = { epoch: 0, batch: 0, step: 0, loaderState: loaderGen.getState(), sums: { loss: 0, correct: 0, count: 0, seconds: 0 } };
    if (job.resume && fs.existsSync(ckptPath)) {
      pos = this.restore(ckptPath, model, optimizer, scheduler);
      truncateMetrics(metricsPath, pos.step);
    } else {
      fs.writeFileSync(metricsPath, '');
      pos.loaderState = loaderGen.getState();
    }
    this.emit('start', { job, device, data: data.description, resumedAt: pos.step });
    await yieldToEventLoop();

    const writeCheckpoint = (p: Position) => {
      save(
        {
          model: model.stateDict(),
          optimizer: optimizer.stateDict() as unknown as Record<string, unknown>,
          scheduler: scheduler ? scheduler.stateDict() : null,
          rng: getRngState(),
          position: p as unknown as Record<string, unknown>,
        } as never,
        ckptPath,
        { metadata: { job: job.name, step: String(p.step) } },
      );
      this.emit('checkpoint', ckptPath);
    };

    // the curves are drawn once, when the job ends (rendering takes tens of milliseconds)
    const board = new ProgressBoard({ xlabel: 'epoch', display: false, path: path.join(this.outDir, 'curves') });
    for (const line of readMetricsFile(metricsPath)) drawEpoch(board, line);
    let final: JobMetrics | undefined;
    let stopped = false;
    epochs: for (let epoch = pos.epoch; epoch < job.epochs; epoch++) {
      // the epoch's order comes from the generator state at its start, so a resumed epoch replays it
      loaderGen.setState(pos.loaderState);
      const epochStartState = loaderGen.getState();
      const order = loader.batchIndices();
      const sums = pos.batch > 0 ? { ...pos.sums } : { loss: 0, correct: 0, count: 0, seconds: 0 };
      model.train();
      for (let b = pos.batch; b < order.length; b++) {
        const s0 = process.hrtime.bigint();
        const loss = tidy(() => {
          const [X, y] = loader.fetch(order[b]) as Tensor[];
          const out = model.forward(X) as Tensor;
          const l = lossOf(data.task, out, y);
          optimizer.zeroGrad();
          l.backward();
          if (job.gradientClip) nn.utils.clipGradNorm_(model.parameters(), job.gradientClip);
          optimizer.step();
          const n = X.shape[0];
          const v = Number(l.item());
          sums.loss += v * n;
          sums.count += n;
          if (data.task === 'classification') sums.correct += Number(noGrad(() => out.argmax(1).eq(y).sum().item()));
          return v;
        });
        sums.seconds += Number(process.hrtime.bigint() - s0) / 1e9;
        pos = { epoch, batch: b + 1, step: pos.step + 1, loaderState: epochStartState, sums };
        this.emit('step', { step: pos.step, epoch: epoch + 1, batch: b + 1, batches, loss });
        const stopNow = this.stopReason !== null;
        if (stopNow || pos.step % job.checkpointEvery === 0) writeCheckpoint(pos);
        if (stopNow) {
          stopped = true;
          break epochs;
        }
        // let timers, sockets and signal handlers run between steps
        await yieldToEventLoop();
        if (this.stopReason !== null) {
          writeCheckpoint(pos);
          stopped = true;
          break epochs;
        }
      }
      const m = this.evaluate(model, data, sums, pos.step, epoch + 1, optimizer, device);
      scheduler?.step();
      fs.appendFileSync(metricsPath, JSON.stringify(m) + '\n');
      drawEpoch(board, m);
      this.latest = final = m;
      pos = { epoch: epoch + 1, batch: 0, step: pos.step, loaderState: loaderGen.getState(), sums: { loss: 0, correct: 0, count: 0, seconds: 0 } };
      writeCheckpoint(pos);
      this.emit('epoch', m);
      await yieldToEventLoop();
      if (this.stopReason !== null && epoch + 1 < job.epochs) {
        stopped = true;
        break;
      }
    }
    const plots: string[] = [];
    if (board.data.size > 0) {
      await yieldToEventLoop();
      try {
        await board.render();
        plots.push(`${board.options.path}.svg`, `${board.options.path}.png`);
      } catch (e) {
        // a plot is a convenience: the metrics file has the same numbers
        this.emit('warning', `could not draw ${board.options.path}.png: ${(e as Error).message}`);
      }
    }
    const summary: JobSummary = {
      name: job.name,
      status: stopped ? 'stopped' : 'completed',
      ...(stopped ? { reason: this.stopReason ?? undefined } : {}),
      epochs: final?.epoch ?? pos.epoch,
      steps: pos.step,
      device,
      seconds: (Date.now() - t0) / 1000,
      final,
      outDir: this.outDir,
      checkpoint: ckptPath,
      metrics: metricsPath,
      plots,
    };
    fs.writeFileSync(path.join(this.outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    this.emit('done', summary);
    return summary;
  }

  private evaluate(model: nn.Module, data: JobData, sums: Position['sums'], step: number, epoch: number, optimizer: Optimizer<{ lr: number }>, device: string): JobMetrics {
    const m: JobMetrics = {
      type: 'epoch',
      step,
      epoch,
      trainLoss: sums.loss / sums.count,
      lr: optimizer.paramGroups[0].lr,
      samplesPerSec: sums.seconds > 0 ? sums.count / sums.seconds : 0,
      device,
      memory: { rss: process.memoryUsage().rss, external: process.memoryUsage().external },
      time: new Date().toISOString(),
    };
    if (data.task === 'classification') m.trainAcc = sums.correct / sums.count;
    if (data.val && data.val[0].shape[0] > 0) {
      model.eval();
      noGrad(() =>
        tidy(() => {
          const [X, y] = data.val!;
          const out = model.forward(X) as Tensor;
          m.valLoss = Number(lossOf(data.task, out, y).item());
          if (data.task === 'classification') m.valAcc = Number(out.argmax(1).eq(y).to('float64').mean().item());
        }),
      );
      model.train();
    }
    return m;
  }

  private restore(file: string, model: nn.Module, optimizer: Optimizer<{ lr: number }>, scheduler: LRScheduler | null): Position {
    const ck = load<Record<string, unknown>>(file);
    if (!ck || typeof ck !== 'object' || !ck.model || !ck.position) throw new KindlingError(`${file} is not a kindling job checkpoint (no model or position)`);
    model.loadStateDict(ck.model as Record<string, Tensor>);
    optimizer.loadStateDict(ck.optimizer as never);
    if (scheduler && ck.scheduler) scheduler.loadStateDict(ck.scheduler as Record<string, unknown>);
    setRngState(ck.rng as { seed: string; offset: number });
    return ck.position as Position;
  }
}

/** Lets timers, sockets and signal handlers run. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function lossOf(task: JobData['task'], out: Tensor, y: Tensor): Tensor {
  return task === 'classification' ? F.crossEntropy(out, y) : F.mseLoss(out, y);
}

function makeOptimizer(job: Job, model: nn.Module): Optimizer<{ lr: number }> {
  const o = job.optimizer;
  const params = model.parameters();
  if (o.type === 'sgd') return new SGD(params, { lr: o.lr, momentum: o.momentum, dampening: o.dampening, nesterov: o.nesterov, weightDecay: o.weightDecay }) as never;
  const opts = { lr: o.lr, betas: o.betas as [number, number], eps: o.eps, amsgrad: o.amsgrad, ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}) };
  return (o.type === 'adam' ? new Adam(params, opts) : new AdamW(params, opts)) as never;
}

function makeScheduler(job: Job, opt: Optimizer<{ lr: number }>): LRScheduler | null {
  const s = job.schedule;
  if (!s) return null;
  if (s.type === 'step') return new StepLR(opt, s.stepSize, { gamma: s.gamma });
  if (s.type === 'cosine') return new CosineAnnealingLR(opt, s.TMax ?? job.epochs, { etaMin: s.etaMin });
  return new LinearLR(opt, { startFactor: s.startFactor, endFactor: s.endFactor, totalIters: s.totalIters });
}

function readMetricsFile(file: string): JobMetrics[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JobMetrics);
}

function drawEpoch(board: ProgressBoard, m: JobMetrics): void {
  board.draw(m.epoch, m.trainLoss, 'train_loss');
  if (m.valLoss !== undefined) board.draw(m.epoch, m.valLoss, 'val_loss');
  if (m.trainAcc !== undefined) board.draw(m.epoch, m.trainAcc, 'train_acc');
  if (m.valAcc !== undefined) board.draw(m.epoch, m.valAcc, 'val_acc');
}

/** Drops metric lines written after the checkpoint a run resumes from. */
function truncateMetrics(file: string, step: number): void {
  if (!fs.existsSync(file)) return;
  const keep = readMetricsFile(file).filter((m) => m.step <= step);
  fs.writeFileSync(file, keep.map((m) => JSON.stringify(m) + '\n').join(''));
}

/**
 * Starts a training job in this process and returns its handle (see TrainingJob).
 * @example const { result } = train({ model: { type: 'linear' }, data: { type: 'synthetic-regression' }, epochs: 3 });
 */
export function train(job: JobInput | Job): TrainingJob {
  return new TrainingJob(job);
}
