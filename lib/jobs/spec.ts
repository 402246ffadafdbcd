/**
 * Training-job files: the schema (zod), defaults, and loading from JSON or a JS/TS module.
 * Every problem in a file is reported at once, each with its path, before any work starts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { KindlingError } from '../errors';

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const prob = z.number().min(0).max(1);

const modelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('linear') }).strict(),
  z
    .object({
      type: z.literal('mlp'),
      hidden: z.array(posInt).default([64]),
      activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu'),
      dropout: prob.default(0),
    })
    .strict(),
  z
    .object({
      type: z.literal('module'),
      /** A JS/TS file exporting a factory (inputDim, outputDim, options) => nn.Module. */
      file: z.string().min(1),
      export: z.string().default('default'),
      options: z.record(z.unknown()).default({}),
    })
    .strict(),
]);

const valFraction = z.number().gt(0).lt(1).default(0.2);

const dataSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('synthetic-regression'),
      w: z.array(z.number()).min(1).default([2, -3.4]),
      b: z.number().default(4.2),
      noise: z.number().nonnegative().default(0.01),
      numTrain: posInt.default(1000),
      numVal: nonNegInt.default(1000),
    })
    .strict(),
  z
    .object({
      type: z.literal('spirals'),
      classes: z.number().int().min(2).default(3),
      pointsPerClass: posInt.default(300),
      noise: z.number().nonnegative().default(0.2),
      valFraction,
    })
    .strict(),
  z
    .object({
      type: z.literal('csv'),
      path: z.string().min(1),
      labelColumn: z.union([z.number().int(), z.string()]).optional(),
      header: z.union([z.boolean(), z.literal('auto')]).default('auto'),
      skipRows: nonNegInt.default(0),
      task: z.enum(['classification', 'regression']).default('classification'),
      /** Divide features by this (e.g. 16 for the digits' 0..16 pixels); 'standardize' uses train mean/std. */
      scale: z.union([z.number().positive(), z.literal('standardize')]).optional(),
      valFraction,
    })
    .strict(),
  z
    .object({
      type: z.literal('idx'),
      root: z.string().min(1),
      kind: z.enum(['mnist', 'fashion-mnist']).default('mnist'),
      limit: posInt.optional(),
    })
    .strict(),
]);

const optimizerSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('sgd'),
      lr: z.number().nonnegative().default(0.1),
      momentum: z.number().nonnegative().default(0),
      dampening: z.number().default(0),
      nesterov: z.boolean().default(false),
      weightDecay: z.number().nonnegative().default(0),
    })
    .strict(),
  z
    .object({
      type: z.enum(['adam', 'adamw']),
      lr: z.number().nonnegative().default(1e-3),
      betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
      eps: z.number().nonnegative().default(1e-8),
      weightDecay: z.number().nonnegative().optional(),
      amsgrad: z.boolean().default(false),
    })
    .strict(),
]);

const scheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('step'), stepSize: posInt, gamma: z.number().positive().default(0.1) }).strict(),
  z.object({ type: z.literal('cosine'), TMax: posInt.optional(), etaMin: z.number().nonnegative().default(0) }).strict(),
  z
    .object({ type: z.literal('linear'), startFactor: z.number().gt(0).max(1).default(1 / 3), endFactor: prob.default(1), totalIters: posInt.default(5) })
    .strict(),
]);

export const jobSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only (it names the output directory)')
      .default('job'),
    model: modelSchema,
    data: dataSchema,
    device: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
    epochs: posInt.default(10),
    batchSize: posInt.default(32),
    optimizer: optimizerSchema.default({ type: 'sgd' }),
    /** Stepped once per epoch. */
    schedule: scheduleSchema.optional(),
    seed: z.number().int().nonnegative().default(0),
    /** Where metrics, checkpoints and plots go; runs/<name> by default. */
    outDir: z.string().optional(),
    /** Write a checkpoint every this many steps (and at every epoch end). */
    checkpointEvery: posInt.default(200),
    resume: z.boolean().default(false),
    gradientClip: z.number().positive().optional(),
  })
  .strict();

/** A job as written in a job file (defaults optional). */
export type JobInput = z.input<typeof jobSchema>;
/** A validated job with every default filled in. */
export type Job = z.output<typeof jobSchema>;

/** A job file that failed validation: `problems` lists each issue as "path: message". */
export class JobValidationError extends KindlingError {
  constructor(readonly source: string, readonly problems: string[]) {
    super(`Invalid training job ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
  }
}

/**
 * Validates a job object, filling in defaults; throws JobValidationError listing every problem.
 * @example const job = parseJob({ model: { type: 'mlp' }, data: { type: 'spirals' } });
 */
export function parseJob(input: unknown, source = 'job'): Job {
  const r = jobSchema.safeParse(input);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${describeIssue(i)}`);
    throw new JobValidationError(source, problems);
  }
  return r.data;
}

function describeIssue(i: z.ZodIssue): string {
  if (i.code === 'invalid_union_discriminator') return `expected type to be one of ${i.options.map((o) => JSON.stringify(o)).join(', ')}`;
  if (i.code === 'unrecognized_keys') return `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  return i.message;
}

/**
 * Reads a job file: JSON, or a JS/TS module whose default (or `job`) export is the job. Relative
 * paths inside the job (csv path, idx root, module file, outDir) resolve against the file's folder.
 */
export function loadJobFile(file: string): Job {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new KindlingError(`job file not found: ${abs}`);
  let raw: unknown;
  if (/\.json$/i.test(abs)) {
    try {
      raw = JSON.parse(fs.readFileSync(abs, 'utf8'));
    } catch (e) {
      throw new JobValidationError(abs, [`(file): not valid JSON: ${(e as Error).message}`]);
    }
  } else if (/\.(c?js|ts)$/i.test(abs)) {
    if (/\.ts$/i.test(abs)) registerTs(abs);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(abs);
    raw = mod?.default ?? mod?.job ?? mod;
    if (typeof raw === 'function') raw = (raw as () => unknown)();
  } else throw new KindlingError(`job file must be .json, .js, .cjs or .ts, got ${abs}`);
  const job = parseJob(raw, abs);
  return resolvePaths(job, path.dirname(abs));
}

/** Makes a job's relative file paths absolute against dir. */
export function resolvePaths(job: Job, dir: string): Job {
  const r = (p: string) => path.resolve(dir, p);
  const out: Job = { ...job };
  if (out.data.type === 'csv') out.data = { ...out.data, path: r(out.data.path) };
  if (out.data.type === 'idx') out.data = { ...out.data, root: r(out.data.root) };
  if (out.model.type === 'module') out.model = { ...out.model, file: r(out.model.file) };
  if (out.outDir !== undefined) out.outDir = r(out.outDir);
  return out;
}

function registerTs(file: string): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    require('ts-node').register({ transpileOnly: true });
  } catch {
    throw new KindlingError(`${file} is TypeScript: install ts-node (npm install --save-dev ts-node) or compile it to JavaScript first`);
  }
}
