/** The data layer's public API (re-exported from src/index.ts). */
export type { CategoricalColumn, Column, ColumnKind, NumericColumn, Table, TextColumn } from './table.js';
export { categoryAt, columnNames, filterRows, findColumn, takeRows } from './table.js';
export type { FeatureSpec, FeatureType, MissingPolicy, ProtectedSpec, Schema, SplitSpec, TargetSpec } from './schema.js';

export { loadTable } from './load-table.js';
export type { LoadTableOptions } from './load-table.js';
export type { TableFormat, CsvOptions } from './file-source.js';
export { DEFAULT_NULL_VALUES } from './file-source.js';
export { loadDataset } from './load-dataset.js';
export type { Dataset, LoadDatasetOptions } from './load-dataset.js';
export { tableFromColumns } from './table-from-columns.js';
export type { ColumnData, FromColumnsOptions } from './table-from-columns.js';

export { inferSchema } from './infer-schema.js';
export type { InferSchemaOptions } from './infer-schema.js';
export { loadSchema, parseSchema, schemaZod } from './parse-schema.js';
export { applySchema, applySchemaWithReport, schemaColumns } from './apply-schema.js';
export type { ApplySchemaOptions, SchemaReport } from './apply-schema.js';
export type { Imputation } from './impute.js';
export { labelsOf, protectedGroups, splitTrainTest, toRawMatrix } from './schema-helpers.js';
export type { ProtectedGroups } from './schema-helpers.js';
export { protectedFromColumns } from './protected-columns.js';
export { compareCodePoints, sortedUnique } from './code-point.js';
export { describePredicates, matchPredicates } from './predicate.js';
export type { Predicate } from './predicate.js';

export { loadImageFolder } from './image-folder.js';
export type { ImageDataset, ImageFolderOptions } from './image-folder.js';
export { encodeNpy, npyToFloat64, readNpy, writeNpy } from './npy.js';
export type { NpyArray, NpyDtype } from './npy.js';
