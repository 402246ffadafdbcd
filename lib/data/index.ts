/** torch.utils.data: datasets, loaders and readers for the book's dataset formats. */
export { Dataset, TensorDataset, Subset, randomSplit } from './dataset';
export { DataLoader, defaultCollate } from './dataloader';
export type { DataLoaderOptions } from './dataloader';
export { readIdx, loadMnist, IdxFormatError, FASHION_MNIST_CLASSES } from './idx';
export { readCsv, CsvFormatError } from './csv';
export type { ReadCsvOptions } from './csv';
