import type { Table } from './table.js';
import type { MissingPolicy, Schema } from './schema.js';
import { loadTable } from './load-table.js';
import type { LoadTableOptions } from './load-table.js';
import { loadSchema } from './parse-schema.js';
import { inferSchema } from './infer-schema.js';
import { applySchemaWithReport } from './apply-schema.js';
import type { SchemaReport } from './apply-schema.js';

export interface LoadDatasetOptions extends Omit<LoadTableOptions, 'schema'> {
  /** A parsed schema; wins over `schemaPath`. */
  readonly schema?: Schema | undefined;
  /** A schema file (our JSON or the reference schema.json format). */
  readonly schemaPath?: string | undefined;
  /** Without a schema: the target column and positive class used to infer one. */
  readonly target?: string | undefined;
  readonly positiveClass?: string | undefined;
  readonly missing?: MissingPolicy | undefined;
}

export interface Dataset {
  readonly table: Table;
  readonly schema: Schema;
  readonly report: SchemaReport;
}

/**
 * The whole data step: read the schema (or infer one), load the file with the schema's column kinds, and
 * validate it ({@link applySchemaWithReport}) — every check runs before any analysis starts.
 */
export async function loadDataset(path: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const given = options.schema ?? (options.schemaPath ? loadSchema(options.schemaPath) : undefined);
  const raw = await loadTable(path, { ...options, schema: given });
  const schema = given ?? inferSchema(raw, { target: options.target, positiveClass: options.positiveClass });
  const { table, report } = applySchemaWithReport(raw, schema, { missing: options.missing });
  return { table, schema, report };
}
