// The handwritten-digits data of ../shared/data/digits.csv (1797 8x8 images, pixels 0..16, then
// the label), scaled to [0, 1] and split 80/20 by randomSplit with a fixed generator seed.
import * as path from 'path';
import * as torch from '../../lib';

export const DIGITS_CSV = path.join(__dirname, '..', '..', '..', 'shared', 'data', 'digits.csv');

export class Digits extends torch.d2l.DataModule {
  readonly train: torch.Tensor[];
  readonly val: torch.Tensor[];
  constructor(batchSize = 32, seed = 0) {
    super(batchSize);
    const { features, labels } = torch.data.readCsv(DIGITS_CSV);
    const ds = new torch.data.TensorDataset(features.div(16), labels);
    const [tr, va] = torch.data.randomSplit(ds, [0.8, 0.2], { generator: new torch.Generator().manualSeed(seed) });
    this.train = ds.getBatch(tr.indices);
    this.val = ds.getBatch(va.indices);
  }
  override getDataloader(train: boolean) {
    return this.getTensorloader(train ? this.train : this.val, train);
  }
}
