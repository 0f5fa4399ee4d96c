export { ProjectionRunner, hasReached, READ_MODELS, type ProjectionRunnerOptions, type ReadModelCheckpoint } from './projection-runner';
export * from './read-model-queries';
export { readModelChecksums } from './read-model-checksum';
export { ReadModelsModule, READ_MODEL_SQL, type ReadModelsOptions } from './read-models.module';
export { type ObjectiveExtras } from './plan-objectives.projection';
