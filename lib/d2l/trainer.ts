/**
 * The book's Trainer (section 3.2): fit(model, data) runs maxEpochs epochs of training steps
 * (forward, backward, optional gradient clipping, optimizer step) and validation, and reports
 * each epoch's mean train and validation metrics through a callback and a terminal progress bar.
 */
import * as cliProgress from 'cli-progress';
import { noGrad } from '../autograd/mode';
import { DeviceLike, resolveDevice } from '../device';
import { ArgumentError, argError } from '../errors';
import { DataLoader } from '../data/dataloader';
import { save } from '../io/checkpoint';
import { ProgressBoard } from '../plot/board';
import { tidy } from '../memory';
import { clipGradNorm_ } from '../nn/utils';
import { Tensor } from '../tensor';
import { DataModule, MetricSink, Module } from './module';

/** One epoch's numbers: mean loss (and accuracy, for classifiers) weighted by batch size. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valLoss?: number;
  valAcc?: number;
  [metric: string]: number | undefined;
  /** Wall time of the epoch in seconds. */
  seconds: number;
  /** Training examples per second. */
  samplesPerSec: number;
}

/** Something that can draw curves (d2l's ProgressBoard). */
export interface Board {
  draw(x: number, y: number, label: string): unknown;
}

export interface TrainerOptions {
  maxEpochs: number;
  /** Clip the gradients' joint 2-norm to this value (0: no clipping). */
  gradientClipVal?: number;
  /** Where the model and batches live ('cpu' by default). */
  device?: DeviceLike;
  /** Called after every epoch with its metrics. */
  onEpoch?: (m: EpochMetrics) => void;
  /** A terminal progress bar on stderr (by default when stderr is a TTY). */
  progress?: boolean;
  /** Saves the model's stateDict (safetensors, atomically) here after every epoch. */
  checkpoint?: string;
  /**
   * Receives every epoch's metrics as curves (x = epoch): a ProgressBoard (or anything with
   * draw(x, y, label)), or a path, for which the Trainer keeps `<path>.svg` and `<path>.png` of
   * the curves up to date during fit.
   */
  board?: Board | string;
}

/**
 * Yields one thunk per batch. For a DataLoader the thunk fetches the batch, so calling it inside
 * tidy frees the batch with the step; other iterables hand over batches their owner keeps.
 */
function* batches(loader: Iterable<Tensor[]>): Generator<() => Tensor[]> {
  if (loader instanceof DataLoader) {
    for (const idx of loader.batchIndices()) yield () => loader.fetch(idx) as Tensor[];
  } else for (const b of loader) yield () => b;
}

type Accum = Map<string, { sum: number; count: number }>;

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Fits a d2l.Module to a d2l.DataModule.
 * @example
 * const trainer = new d2l.Trainer({ maxEpochs: 3 });
 * const history = trainer.fit(model, data);
 */
export class Trainer implements MetricSink {
  readonly maxEpochs: number;
  readonly gradientClipVal: number;
  readonly device: DeviceLike;
  readonly history: EpochMetrics[] = [];
  epoch = 0;
  trainBatchIdx = 0;
  valBatchIdx = 0;
  /** The board the curves go to (one the Trainer made when given a path). */
  readonly board: Board | null;
  private readonly opts: TrainerOptions;
  private accum: { train: Accum; val: Accum } = { train: new Map(), val: new Map() };

  constructor(opts: TrainerOptions) {
    if (!opts || !Number.isInteger(opts.maxEpochs) || opts.maxEpochs < 0) throw argError('Trainer', '{ maxEpochs: a non-negative integer }', opts?.maxEpochs);
    const clip = opts.gradientClipVal ?? 0;
    if (typeof clip !== 'number' || !(clip >= 0)) throw new ArgumentError(`gradientClipVal must be a non-negative number, got ${clip}`);
    this.maxEpochs = opts.maxEpochs;
    this.gradientClipVal = clip;
    this.device = opts.device ?? 'cpu';
    resolveDevice(this.device);
    this.opts = opts;
    if (typeof opts.board === 'string') this.board = new ProgressBoard({ xlabel: 'epoch', path: opts.board });
    else if (opts.board === undefined || opts.board === null) this.board = null;
    else if (typeof (opts.board as Board).draw === 'function') this.board = opts.board;
    else throw argError('Trainer', 'a board (ProgressBoard or path)', opts.board);
  }

  /** @internal Called by Module.plot. */
  record(key: string, value: Tensor | number, train: boolean, count: number): void {
    const v = value instanceof Tensor ? Number(value.item()) : value;
    const acc = train ? this.accum.train : this.accum.val;
    const cur = acc.get(key) ?? { sum: 0, count: 0 };
    cur.sum += v * count;
    cur.count += count;
    acc.set(key, cur);
  }

  private toDevice(batch: Tensor[]): Tensor[] {
    const dev = resolveDevice(this.device);
    return batch.map((t) => (t instanceof Tensor && String(t.device) !== String(dev) ? t.to(dev) : t));
  }

  /** Runs maxEpochs epochs and returns every epoch's metrics. */
  fit(model: Module, data: DataModule): EpochMetrics[] {
    if (!(model instanceof Module)) throw argError('Trainer.fit', 'a d2l.Module', model);
    if (!(data instanceof DataModule)) throw argError('Trainer.fit', 'a d2l.DataModule', data);
    model.to(this.device);
    model.trainer = this;
    const optim = model.configureOptimizers();
    const trainLoader = data.trainDataloader();
    const valLoader = data.valDataloader();
    const total = this.maxEpochs * ((trainLoader as { length?: number }).length ?? 0);
    const showBar = this.opts.progress ?? (process.stderr.isTTY === true && !process.env.CI);
    const bar = showBar
      ? new cliProgress.SingleBar(
          { format: 'epoch {epoch} |{bar}| {percentage}% | {value}/{total} batches | loss {loss}', stream: process.stderr, hideCursor: true, clearOnComplete: false },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(total, 0, { epoch: 1, loss: '-' });
    try {
      for (this.epoch = 0; this.epoch < this.maxEpochs; this.epoch++) {
        this.accum = { train: new Map(), val: new Map() };
        const t0 = process.hrtime.bigint();
        let samples = 0;
        model.train();
        for (const next of batches(trainLoader)) {
          tidy(() => {
            const batch = this.toDevice(next());
            samples += batch[0].shape[0] ?? 1;
            const loss = model.trainingStep(batch);
            optim.zeroGrad();
            loss.backward();
            if (this.gradientClipVal > 0) clipGradNorm_(model.parameters(), this.gradientClipVal);
            optim.step();
          });
          this.trainBatchIdx++;
          const l = this.accum.train.get('loss');
          bar?.increment(1, { epoch: this.epoch + 1, loss: l ? (l.sum / l.count).toFixed(4) : '-' });
        }
        const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
        if (valLoader) {
          model.eval();
          for (const next of batches(valLoader)) {
            noGrad(() => tidy(() => model.validationStep(this.toDevice(next()))));
            this.valBatchIdx++;
          }
        }
        const m: EpochMetrics = { epoch: this.epoch + 1, trainLoss: NaN, seconds, samplesPerSec: seconds > 0 ? samples / seconds : 0 };
        for (const [split, acc] of [['train', this.accum.train], ['val', this.accum.val]] as const) {
          for (const [k, { sum, count }] of acc) m[`${split}${capitalize(k)}`] = sum / count;
        }
        this.history.push(m);
        if (this.opts.checkpoint) save(model.stateDict(), this.opts.checkpoint, { metadata: { epoch: String(m.epoch) } });
        if (this.board) {
          for (const [k, v] of Object.entries(m)) {
            if (k !== 'epoch' && k !== 'seconds' && k !== 'samplesPerSec' && typeof v === 'number') void this.board.draw(m.epoch, v, k);
          }
        }
        this.opts.onEpoch?.(m);
      }
    } finally {
      bar?.stop();
      model.trainer = null;
    }
    return this.history;
  }
}
