// A tour of the book's chapter 2 (sections 2.1, 2.3 and 2.5) in kindling: `npm start`.
'use strict';
const torch = require('..');

const show = (label, v) => console.log(`${label}\n${String(v)}\n`);

console.log(`kindling ${require('../package.json').version} (${torch.buildInfo().blas} BLAS, ${torch.getNumThreads()} threads)\n`);

// 2.1 data manipulation
const x = torch.arange(12);
show('x = torch.arange(12)', x);
const X = x.reshape(3, 4);
show('X = x.reshape(3, 4)', X);
show('torch.zeros(2, 3, 4)', torch.zeros(2, 3, 4));
const Y = torch.tensor([[2, 1, 4, 3], [1, 2, 3, 4], [4, 3, 2, 1]]);
show('X[-1], X[1:3]', `${X.index('-1')}\n${X.index('1:3')}`);
const a = torch.tensor([1.0, 2, 4, 8]);
const b = torch.tensor([2, 2, 2, 2]);
show('x + y, x - y, x * y, x / y, x ** y', [a.add(b), a.sub(b), a.mul(b), a.div(b), a.pow(b)].join('\n'));
show('torch.cat([X, Y], 1)', torch.cat([X, Y], 1));
show('X.sum()', X.sum());
show('broadcasting (3,1) + (1,2)', torch.arange(3).reshape(3, 1).add(torch.arange(2).reshape(1, 2)));

// 2.3 linear algebra
const A = torch.arange(6).reshape(2, 3);
show('A = torch.arange(6).reshape(2, 3)', A);
show('A.sum(0), A.sum(1)', `${A.sum(0)}\n${A.sum(1)}`);
show('A / A.sum(1, keepdim)', A.div(A.sum(1, true)));
show('A.cumsum(0)', A.cumsum(0));
show('torch.mv(A, x)', torch.mv(A, torch.arange(3)));
show('torch.mm(A, ones(3, 4))', torch.mm(A, torch.ones(3, 4)));
const u = torch.tensor([3.0, -4.0]);
show('norms: L2, L1, Frobenius', `${u.norm()} ${u.abs().sum()} ${torch.ones(4, 9).norm()}`);

// 2.5 automatic differentiation
const v = torch.arange(4, { requiresGrad: true });
const y = torch.dot(v, v).mul(2);
show('y = 2 * dot(x, x)', y);
y.backward();
show('x.grad', v.grad);

// a 1024 x 1024 float32 matrix product
const M = torch.randn(1024, 1024);
M.matmul(M);
const t0 = process.hrtime.bigint();
const reps = 10;
for (let i = 0; i < reps; i++) M.matmul(M).dispose();
const sec = Number(process.hrtime.bigint() - t0) / 1e9 / reps;
console.log(`1024x1024 float32 matmul: ${(sec * 1e3).toFixed(2)} ms, ${((2 * 1024 ** 3) / sec / 1e9).toFixed(1)} GFLOP/s`);
