/** torch.nn: modules, layers, losses, initialisers, functional forms and utilities. */
import * as functional from './functional';
import * as init from './init';
import * as utils from './utils';

export { Module, Parameter, StateDictError } from './module';
export { Linear, Sequential, ModuleList, ReLU, Sigmoid, Tanh, Identity, Softmax, LogSoftmax, Flatten, Dropout } from './layers';
export { Loss, MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCEWithLogitsLoss } from './loss';
export { functional, init, utils };
