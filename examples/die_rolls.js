// Section 2.6 (probability): estimating a fair die's probabilities from rolls. 500 groups of 10
// rolls; the running estimate of each face converges to 1/6 (the dashed line at 0.167).
// Writes runs/examples/die_rolls.svg and .png. Run after `npm run build`: node examples/die_rolls.js
'use strict';
const path = require('path');
const torch = require('..');
const { Multinomial } = torch.distributions;

torch.manualSeed(0); // the book draws without a seed; a seed makes the figure reproducible

const fairProbs = torch.ones(6).div(6);
console.log(`Multinomial(1, fair_probs).sample()\n${new Multinomial(1, fairProbs).sample()}`);
console.log(`Multinomial(1000, fair_probs).sample() / 1000\n${new Multinomial(1000, fairProbs).sample().div(1000)}`);

const counts = new Multinomial(10, fairProbs).sample([500]);
const cumCounts = counts.cumsum(0);
const estimates = cumCounts.div(cumCounts.sum({ dim: 1, keepdim: true }));
console.log(`estimates after 5000 rolls\n${estimates.index('-1')}`);

const out = path.join(__dirname, '..', 'runs', 'examples', 'die_rolls');
// one curve per face: the columns of estimates, drawn against the group number
torch
  .plot(estimates.T, {
    fmts: ['-'],
    legend: [1, 2, 3, 4, 5, 6].map((i) => `P(die=${i})`),
    hlines: [{ at: 0.167, fmt: 'k--' }],
    xlabel: 'Groups of experiments',
    ylabel: 'Estimated probability',
    figsize: [4.5, 3.5],
    path: out,
  })
  .then((r) => console.log(`wrote ${r.files.svg} and ${r.files.png}`))
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
