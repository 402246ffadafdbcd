/**
 * The `kindling` command: `kindling train [job file] [--resume] [--epochs N] [--device D]
 * [--out DIR]`. Without a job file it runs the built-in default jobs (what `npm start` runs).
 * SIGINT / SIGTERM finish the current step, write a checkpoint and exit 130 / 143; a second
 * signal exits at once.
 */
import * as cliProgress from 'cli-progress';
import { KindlingError } from '../errors';
import { JobMetrics, JobSummary, TrainingJob } from './runner';
import { Job, JobInput, JobValidationError, loadJobFile, parseJob } from './spec';

/** The default jobs: the book's synthetic linear regression, and an MLP on three spirals. */
export const DEFAULT_JOBS: JobInput[] = [
  {
    name: 'linear-regression',
    model: { type: 'linear' },
    data: { type: 'synthetic-regression', w: [2, -3.4], b: 4.2, noise: 0.01, numTrain: 1000, numVal: 1000 },
    epochs: 3,
    batchSize: 32,
    optimizer: { type: 'sgd', lr: 0.03 },
    seed: 0,
  },
  {
    name: 'spirals-mlp',
    model: { type: 'mlp', hidden: [64, 64], activation: 'relu' },
    data: { type: 'spirals', classes: 3, pointsPerClass: 300, noise: 0.2, valFraction: 0.2 },
    epochs: 40,
    batchSize: 32,
    optimizer: { type: 'adam', lr: 0.01 },
    schedule: { type: 'cosine' },
    seed: 0,
  },
];

const USAGE = `Usage: kindling train [job.json|job.js|job.ts] [options]

Runs a training job (or, without a job file, kindling's default jobs) and writes
metrics.jsonl, checkpoint.safetensors, summary.json and plots under runs/<job name>/.

Options:
  --resume        continue from the job's latest checkpoint
  --epochs N      override the job's number of epochs
  --device D      auto | cpu | cuda
  --out DIR       output directory (default runs/<job name>)
  -h, --help      show this help

SIGINT/SIGTERM finish the current step, write a checkpoint and exit 130/143.`;

interface Args {
  command: string | undefined;
  file: string | undefined;
  overrides: Partial<Job>;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const out: Args = { command: undefined, file: undefined, overrides: {}, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new KindlingError(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '--resume') out.overrides.resume = true;
    else if (a === '--epochs') out.overrides.epochs = Number(value());
    else if (a === '--device') out.overrides.device = value() as Job['device'];
    else if (a === '--out') out.overrides.outDir = value();
    else if (a.startsWith('-')) throw new KindlingError(`unknown option ${a}\n\n${USAGE}`);
    else if (out.command === undefined) out.command = a;
    else if (out.file === undefined) out.file = a;
    else throw new KindlingError(`unexpected argument ${a}\n\n${USAGE}`);
  }
  return out;
}

function fmt(m: JobMetrics): string {
  const parts = [`epoch ${m.epoch}`, `step ${m.step}`, `train loss ${m.trainLoss.toFixed(4)}`];
  if (m.trainAcc !== undefined) parts.push(`train acc ${m.trainAcc.toFixed(3)}`);
  if (m.valLoss !== undefined) parts.push(`val loss ${m.valLoss.toFixed(4)}`);
  if (m.valAcc !== undefined) parts.push(`val acc ${m.valAcc.toFixed(3)}`);
  parts.push(`lr ${m.lr.toPrecision(3)}`, `${Math.round(m.samplesPerSec)} samples/s`);
  return parts.join(' | ');
}

/** Runs one job with terminal output; resolves with its summary. */
async function runWithOutput(job: Job, current: { job: TrainingJob | null }): Promise<JobSummary> {
  const handle = new TrainingJob(job, { autoStart: false });
  current.job = handle;
  const tty = process.stdout.isTTY === true && !process.env.CI;
  let bar: cliProgress.SingleBar | null = null;
  handle.on('start', (s: { device: string; data: string; resumedAt: number }) => {
    console.log(`\n${job.name}: ${s.data}`);
    console.log(`device: ${s.device}${s.resumedAt ? ` | resuming at step ${s.resumedAt}` : ''} | output: ${handle.outDir}`);
    if (tty) {
      bar = new cliProgress.SingleBar({ format: ' {bar} {percentage}% | epoch {epoch}/{epochs} | step {step} | loss {loss}', hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(job.epochs, 0, { epoch: 0, epochs: job.epochs, step: 0, loss: '-' });
    }
  });
  let lastLine = Date.now();
  handle.on('step', (s: { step: number; epoch: number; batch: number; batches: number; loss: number }) => {
    if (bar) bar.update(s.epoch - 1 + s.batch / s.batches, { epoch: s.epoch, step: s.step, loss: s.loss.toFixed(4) });
    else if (Date.now() - lastLine > 5000) {
      lastLine = Date.now();
      console.log(`  step ${s.step} (epoch ${s.epoch}, batch ${s.batch}/${s.batches}) loss ${s.loss.toFixed(4)}`);
    }
  });
  handle.on('epoch', (m: JobMetrics) => {
    if (bar) bar.update(m.epoch, { epoch: m.epoch, step: m.step });
    if (!bar || m.epoch === job.epochs) {
      bar?.stop();
      console.log(`  ${fmt(m)}`);
    }
  });
  try {
    const summary = await handle.start();
    (bar as cliProgress.SingleBar | null)?.stop();
    if (summary.status === 'stopped') console.log(`${job.name}: stopped (${summary.reason}) at step ${summary.steps}; checkpoint ${summary.checkpoint}; resume with --resume`);
    else console.log(`${job.name}: done in ${summary.seconds.toFixed(1)} s on ${summary.device}; checkpoint ${summary.checkpoint}`);
    return summary;
  } finally {
    (bar as cliProgress.SingleBar | null)?.stop();
    current.job = null;
  }
}

const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** The command line entry point; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (args.help || args.command === undefined) {
    console.log(USAGE);
    return args.help ? 0 : 2;
  }
  if (args.command !== 'train') {
    console.error(`unknown command ${args.command}\n\n${USAGE}`);
    return 2;
  }
  let jobs: Job[];
  try {
    const base = args.file ? [loadJobFile(args.file)] : DEFAULT_JOBS.map((j) => parseJob(j, 'default job'));
    jobs = base.map((j) => parseJob({ ...j, ...args.overrides }, args.file ?? 'default job'));
  } catch (e) {
    console.error(e instanceof JobValidationError || e instanceof KindlingError ? e.message : String(e));
    return 1;
  }
  const current: { job: TrainingJob | null } = { job: null };
  let signalled: string | null = null;
  const onSignal = (sig: string) => {
    if (signalled) {
      console.error(`\n${sig} again: exiting now`);
      process.exit(SIGNAL_EXIT[sig]);
    }
    signalled = sig;
    console.error(`\n${sig}: finishing the current step and writing a checkpoint (send it again to exit at once)`);
    current.job?.cancel(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const job of jobs) {
      const summary = await runWithOutput(job, current);
      if (summary.status === 'stopped' || signalled) return SIGNAL_EXIT[signalled ?? 'SIGINT'];
    }
    return 0;
  } catch (e) {
    console.error(`training failed: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
