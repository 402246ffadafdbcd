/** The book's training utilities (its `d2l` package), for line-by-line translations of its code. */
export { Module, Classifier, DataModule, SyntheticRegressionData, SGD, LinearRegressionScratch, LinearRegression, SoftmaxRegression, MLP } from './module';
export { Trainer } from './trainer';
export type { EpochMetrics, TrainerOptions, Board } from './trainer';
