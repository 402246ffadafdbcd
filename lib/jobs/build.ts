/** Turns a validated job into data tensors and a model. */
import { readCsv } from '../data/csv';
import { randomSplit, TensorDataset } from '../data/dataset';
import { loadMnist } from '../data/idx';
import { KindlingError } from '../errors';
import { cat, stack } from '../ops/movement';
import { arange, linspace, randn, full } from '../ops/creation';
import { Generator } from '../random';
import * as nn from '../nn';
import { Tensor } from '../tensor';
import type { Job } from './spec';

export interface JobData {
  task: 'classification' | 'regression';
  train: [Tensor, Tensor];
  val: [Tensor, Tensor] | null;
  inputDim: number;
  outputDim: number;
  description: string;
}

/**
 * K interleaved spirals in the plane (class k: radius r in [0, 1], angle 4k..4(k+1) plus
 * N(0, noise^2)), a classic set no linear model separates.
 * @example const { X, y } = spirals(3, 100, 0.2);
 */
export function spirals(classes: number, pointsPerClass: number, noise: number): { X: Tensor; y: Tensor } {
  const xs: Tensor[] = [];
  const ys: Tensor[] = [];
  for (let k = 0; k < classes; k++) {
    const r = linspace(0, 1, pointsPerClass);
    const t = linspace(4 * k, 4 * (k + 1), pointsPerClass).add(randn(pointsPerClass).mul(noise));
    xs.push(stack([r.mul(t.sin()), r.mul(t.cos())], 1));
    ys.push(full([pointsPerClass], k, { dtype: 'int64' }));
  }
  return { X: cat(xs, 0), y: cat(ys, 0) };
}

function split(X: Tensor, y: Tensor, valFraction: number, seed: number): { train: [Tensor, Tensor]; val: [Tensor, Tensor] } {
  const ds = new TensorDataset(X, y);
  const [tr, va] = randomSplit(ds, [1 - valFraction, valFraction], { generator: new Generator().manualSeed(seed) });
  return { train: ds.getBatch(tr.indices) as [Tensor, Tensor], val: ds.getBatch(va.indices) as [Tensor, Tensor] };
}

/** The job's data; random parts draw from the default stream (seeded by the runner). */
export function buildData(job: Job): JobData {
  const d = job.data;
  switch (d.type) {
    case 'synthetic-regression': {
      const w = d.w;
      const n = d.numTrain + d.numVal;
      const X = randn(n, w.length);
      const wt = stackNumbers(w).reshape(-1, 1);
      const y = X.matmul(wt).add(d.b).add(randn(n, 1).mul(d.noise));
      const idxTrain = arange(d.numTrain, { dtype: 'int64' });
      const idxVal = arange(d.numTrain, n, { dtype: 'int64' });
      return {
        task: 'regression',
        train: [X.indexSelect(0, idxTrain), y.indexSelect(0, idxTrain)],
        val: d.numVal > 0 ? [X.indexSelect(0, idxVal), y.indexSelect(0, idxVal)] : null,
        inputDim: w.length,
        outputDim: 1,
        description: `synthetic linear regression: y = X [${w.join(', ')}] + ${d.b} + N(0, ${d.noise}^2), ${d.numTrain} train / ${d.numVal} validation`,
      };
    }
    case 'spirals': {
      const { X, y } = spirals(d.classes, d.pointsPerClass, d.noise);
      const { train, val } = split(X, y, d.valFraction, job.seed);
      return { task: 'classification', train, val, inputDim: 2, outputDim: d.classes, description: `${d.classes} spirals, ${d.pointsPerClass} points each` };
    }
    case 'csv': {
      const { features, labels } = readCsv(d.path, { labelColumn: d.labelColumn, header: d.header, skipRows: d.skipRows, labelDtype: d.task === 'classification' ? 'int64' : 'float32' });
      let X = features;
      const y = d.task === 'regression' ? labels.reshape(-1, 1) : labels;
      const { train, val } = split(X, y, d.valFraction, job.seed);
      if (d.scale === 'standardize') {
        const mu = train[0].mean(0, true);
        const sd = train[0].std(0, { keepdim: true }).clamp(1e-12);
        train[0] = train[0].sub(mu).div(sd);
        val[0] = val[0].sub(mu).div(sd);
      } else if (typeof d.scale === 'number') {
        train[0] = train[0].div(d.scale);
        val[0] = val[0].div(d.scale);
      }
      X = train[0];
      const outputDim = d.task === 'classification' ? Number(labels.amax().item()) + 1 : 1;
      return { task: d.task, train, val, inputDim: X.shape[1], outputDim, description: `${d.path}: ${features.shape[0]} rows, ${features.shape[1]} features` };
    }
    case 'idx': {
      const tr = loadMnist(d.root, { train: true, kind: d.kind });
      const te = loadMnist(d.root, { train: false, kind: d.kind });
      const cut = (t: Tensor) => (d.limit && d.limit < t.shape[0] ? t.narrow(0, 0, d.limit) : t);
      return {
        task: 'classification',
        train: [cut(tr.images).flatten(1), cut(tr.labels)],
        val: [cut(te.images).flatten(1), cut(te.labels)],
        inputDim: 28 * 28,
        outputDim: 10,
        description: `${d.kind} from ${d.root}`,
      };
    }
  }
}

function stackNumbers(v: number[]): Tensor {
  return stack(v.map((x) => full([], x)));
}

type Factory = (inputDim: number, outputDim: number, options: Record<string, unknown>) => nn.Module;

/** The job's model, initialised from the default stream. */
export function buildModel(job: Job, data: JobData): nn.Module {
  const m = job.model;
  if (m.type === 'linear') return new nn.Sequential(new nn.Linear(data.inputDim, data.outputDim));
  if (m.type === 'mlp') {
    const act = () => (m.activation === 'relu' ? new nn.ReLU() : m.activation === 'tanh' ? new nn.Tanh() : new nn.Sigmoid());
    const layers: nn.Module[] = [];
    let prev = data.inputDim;
    for (const h of m.hidden) {
      layers.push(new nn.Linear(prev, h), act());
      if (m.dropout > 0) layers.push(new nn.Dropout(m.dropout));
      prev = h;
    }
    layers.push(new nn.Linear(prev, data.outputDim));
    return new nn.Sequential(...layers);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(m.file);
  const factory = (m.export === 'default' ? mod?.default ?? mod : mod?.[m.export]) as Factory | undefined;
  if (typeof factory !== 'function') throw new KindlingError(`${m.file} does not export a model factory as "${m.export}"`);
  const model = factory(data.inputDim, data.outputDim, m.options);
  if (!(model instanceof nn.Module)) throw new KindlingError(`the factory "${m.export}" in ${m.file} must return an nn.Module`);
  return model;
}
