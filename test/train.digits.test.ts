// Acceptance runs of the nn issue on real data: softmax regression and a one-hidden-layer MLP
// (256 ReLU units) on the handwritten digits (../shared/data/digits.csv), split 80/20 with a fixed
// seed, trained by d2l.Trainer for 30 epochs with minibatch SGD (batch 32, lr 0.3). Required:
// validation accuracy >= 0.93 (softmax regression) and >= 0.96 (MLP). A checkpoint the Trainer
// writes must give a fresh process the same predictions, bit for bit.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as torch from '../lib';
import { Digits } from './support/digits';

const { d2l } = torch;

describe('digits', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-digits-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  // PyTorch's randomSplit: floor(0.8 * 1797) = 1437 and floor(0.2 * 1797) = 359; the one left over goes to the first subset
  test('the split is 1438 / 359 examples of 64 pixels in [0, 1]', () => {
    const data = new Digits();
    expect(data.train[0].shape).toEqual([1438, 64]);
    expect(data.val[0].shape).toEqual([359, 64]);
    expect(data.train[0].amax().item()).toBe(1);
    expect(data.val[1].dtype).toBe('int64');
  });

  test('softmax regression reaches validation accuracy >= 0.93 in 30 epochs', () => {
    torch.manualSeed(0);
    const epochs: torch.d2l.EpochMetrics[] = [];
    const hist = new d2l.Trainer({ maxEpochs: 30, progress: false, onEpoch: (m) => epochs.push(m) }).fit(new d2l.SoftmaxRegression(64, 10, 0.3), new Digits());
    expect(epochs).toEqual(hist);
    expect(hist).toHaveLength(30);
    expect(hist[29].valAcc).toBeGreaterThanOrEqual(0.93);
    expect(hist[29].trainLoss).toBeLessThan(hist[0].trainLoss);
    expect(hist[29].valLoss).toBeLessThan(hist[0].valLoss!);
  });

  test('an MLP with 256 hidden units reaches >= 0.96, and its checkpoint predicts the same in a fresh process', () => {
    torch.manualSeed(0);
    const ckpt = path.join(dir, 'mlp.safetensors');
    const model = new d2l.MLP(64, 10, 256, 0.3);
    const data = new Digits();
    const hist = new d2l.Trainer({ maxEpochs: 30, progress: false, checkpoint: ckpt }).fit(model, data);
    expect(hist[29].valAcc).toBeGreaterThanOrEqual(0.96);
    // the saved tensors are exactly the model's parameters, under PyTorch's names
    const saved = torch.load(ckpt) as Record<string, torch.Tensor>;
    expect(Object.keys(saved).sort()).toEqual(['net.1.bias', 'net.1.weight', 'net.3.bias', 'net.3.weight']);
    expect(saved['net.1.weight'].equal(model.stateDict()['net.1.weight'])).toBe(true);

    model.eval();
    const here = torch.noGrad(() => model.forward(data.val[0]) as torch.Tensor);
    const out = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'support', 'predict_checkpoint.ts'), ckpt], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    });
    const there = new Float32Array(new Uint8Array(Buffer.from(out, 'base64')).buffer);
    expect(there.length).toBe(359 * 10);
    expect(Array.from(there)).toEqual(Array.from(here.typedArray() as Float32Array));
  }, 120000);
});

describe('Trainer with a ProgressBoard', () => {
  test('a board path gives an up-to-date SVG and PNG of the epoch curves', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kindling-board-'));
    try {
      torch.manualSeed(0);
      const trainer = new d2l.Trainer({ maxEpochs: 3, progress: false, board: path.join(dir, 'curves') });
      trainer.fit(new d2l.SoftmaxRegression(64, 10, 0.3), new Digits());
      const board = trainer.board as torch.ProgressBoard;
      await board.flush();
      expect([...board.data.keys()]).toEqual(['trainLoss', 'valLoss', 'valAcc']);
      expect(board.data.get('valAcc')!.map((p) => p.x)).toEqual([1, 2, 3]);
      expect(fs.readFileSync(path.join(dir, 'curves.svg'), 'utf8')).toMatch(/<svg/);
      // PNG signature: 89 50 4E 47
      expect([...fs.readFileSync(path.join(dir, 'curves.png')).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
