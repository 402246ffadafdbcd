/**
 * torch.distributions for kindling: Bernoulli, Categorical, Multinomial, Normal and Uniform with
 * sample, logProb, mean, variance and entropy, plus torch.multinomial. Every draw comes from the
 * default generator, so `manualSeed` reproduces it.
 * @example
 * import * as torch from 'kindling';
 * const { Multinomial } = torch.distributions;
 * torch.manualSeed(0);
 * new Multinomial(10, torch.ones(6).div(6)).sample([500]).cumsum(0);
 */
export { Distribution, constraints, setDefaultValidateArgs } from './distribution';
export type { Constraint, DistributionOptions, Param, SampleShape } from './distribution';
export { Bernoulli } from './bernoulli';
export type { BernoulliParams } from './bernoulli';
export { Categorical } from './categorical';
export type { ProbsOrLogits } from './categorical';
export { Multinomial } from './multinomial';
export { Normal } from './normal';
export { Uniform } from './uniform';
export { multinomial } from './sampling';
export type { MultinomialOptions } from './sampling';
export { lgamma } from './special';
