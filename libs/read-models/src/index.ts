export { ReadModelsProjection, hasReached, READ_MODELS } from './read-models.processor';
export { READ_MODEL_MIGRATIONS } from './read-model.migrations';
export * from './read-model-queries';
export { readModelChecksums } from './read-model-checksum';
export { ReadModelsModule, READ_MODEL_SQL, type ReadModelsOptions } from './read-models.module';
export { type ObjectiveExtras } from './plan-objectives.projection';
export { rebuildReadModels, READ_MODELS_REBUILD, type RebuildOptions } from './read-models.rebuild';
