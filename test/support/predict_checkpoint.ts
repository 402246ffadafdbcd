// Run in a fresh process by test/train.digits.test.ts: builds a new MLP, loads the checkpoint
// given as argv[2], and writes its validation-set logits (as raw float32 bytes, base64) to stdout.
import * as torch from '../../lib';
import { Digits } from './digits';

const model = new torch.d2l.MLP(64, 10, 256, 0.3);
model.loadStateDict(torch.load(process.argv[2]) as Record<string, torch.Tensor>);
model.eval();
const logits = torch.noGrad(() => model.forward(new Digits().val[0]) as torch.Tensor);
process.stdout.write(Buffer.from((logits.contiguous().typedArray() as Float32Array).buffer.slice(0)).toString('base64'));
