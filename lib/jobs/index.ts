/** Server-side training jobs: the job schema, the TrainingJob runner and the `kindling` command. */
export { TrainingJob, train } from './runner';
export type { JobMetrics, JobSummary } from './runner';
export { jobSchema, parseJob, loadJobFile, JobValidationError } from './spec';
export type { Job, JobInput } from './spec';
export { spirals } from './build';
export { DEFAULT_JOBS } from './cli';
