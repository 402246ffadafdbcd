// Section 2.4 (calculus): f(x) = 3x^2 - 4x and its tangent line y = 2x - 3 at x = 1, drawn with
// torch.plot (the book's d2l.plot). Writes runs/examples/tangent_line.svg and .png.
// Run after `npm run build`: node examples/tangent_line.js
'use strict';
const path = require('path');
const torch = require('..');

const f = (x) => x.pow(2).mul(3).sub(x.mul(4)); // 3x^2 - 4x

// the limit of (f(1 + h) - f(1)) / h as h shrinks is f'(1) = 6x - 4 at x = 1, i.e. 2
for (let h = 0.1, i = 0; i < 5; h *= 0.1, i++) {
  const x1 = torch.tensor(1, { dtype: 'float64' });
  const slope = f(x1.add(h)).sub(f(x1)).div(h).item();
  console.log(`h=${h.toFixed(5)}, numerical limit=${slope.toFixed(5)}`);
}

const out = path.join(__dirname, '..', 'runs', 'examples', 'tangent_line');
const x = torch.arange(0, 3, 0.1);
torch
  .plot(x, [f(x), x.mul(2).sub(3)], { xlabel: 'x', ylabel: 'f(x)', legend: ['f(x)', 'Tangent line (x=1)'], path: out })
  .then((r) => console.log(`wrote ${r.files.svg} and ${r.files.png}`))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
