import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBType } from '@duckdb/node-api';
import type { ColumnKind } from './table.js';
import { quoteIdent, quoteLiteral } from './duckdb/connection.js';
import type { ReadKind } from './duckdb/chunk-reader.js';

const NUMERIC_TYPES = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT, DuckDBTypeId.UHUGEINT, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE, DuckDBTypeId.DECIMAL,
]);

/** What the file holds in a column, as DuckDB sees it. */
export interface SourceColumn {
  readonly name: string;
  /** True when DuckDB already typed it as a number (integers are cast to DOUBLE in SQL, never read as BigInt). */
  readonly numericType: boolean;
  /** SQL giving the column as VARCHAR ('' → NULL). */
  readonly textSql: string;
  /** SQL giving the column as VARCHAR for ENUM coding (no NULLIF: '' is never a category). */
  readonly codeSql: string;
  readonly typeName: string;
}

export function describeSourceColumn(name: string, type: DuckDBType): SourceColumn {
  const ident = quoteIdent(name);
  const typeName = type.alias ?? type.toString();
  const raw = typeName === 'JSON' ? `json_extract_string(${ident}, '$')` : type.typeId === DuckDBTypeId.VARCHAR ? ident : `${ident}::VARCHAR`;
  return { name, numericType: NUMERIC_TYPES.has(type.typeId), textSql: `NULLIF(${raw}, '')`, codeSql: raw, typeName };
}

/** Statistics of a text-typed column over a sample of rows. */
export interface TextStats {
  readonly nonMissing: number;
  readonly distinct: number;
  readonly meanLength: number;
  /** Share (0–1) of the distinct values that parse as numbers. */
  readonly numericShare: number;
}

/** count, distinct values and mean length of a sampled text expression (3 aggregates). */
export function statsSelect(expression: string): string[] {
  return [`count(${expression})`, `list(DISTINCT ${expression})`, `coalesce(avg(length(${expression})), 0)`];
}

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*[-+]?(inf|infinity|nan)\s*$/i;

/** True for text DuckDB's DOUBLE cast accepts (decimal and scientific notation, inf, nan). */
export function looksNumeric(text: string): boolean {
  return NUMBER_TEXT.test(text);
}

export function textStats(nonMissing: number, distinctValues: readonly (string | null)[], meanLength: number): TextStats {
  const values = distinctValues.filter((v): v is string => v !== null);
  const numeric = values.filter(looksNumeric).length;
  return { nonMissing, distinct: values.length, meanLength, numericShare: values.length === 0 ? 0 : numeric / values.length };
}

export interface KindHeuristics {
  /** Most distinct values a text column may have and still be categorical. Default 256. */
  readonly maxCategories: number;
}

/**
 * Infers the kind of a text-typed column: numbers written as text → numeric; mostly numbers (≥ 90% of the
 * distinct values) → numeric with the rest reported as mixed types; few distinct values → categorical;
 * otherwise (many distinct, long values) text.
 */
export function inferTextKind(stats: TextStats, heuristics: KindHeuristics): ColumnKind {
  if (stats.nonMissing === 0) return 'categorical';
  if (stats.numericShare >= 0.9) return 'numeric';
  const fewValues = stats.distinct <= heuristics.maxCategories;
  const shortOrRepeated = stats.meanLength <= 50 || stats.distinct <= 0.5 * stats.nonMissing;
  return fewValues && shortOrRepeated ? 'categorical' : 'text';
}

/** How one table column is produced from the source: its SELECT expressions and how they are read. */
export interface ColumnPlan {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly categories?: readonly string[];
  /** Expressions in the select list: the value, then (for numbers parsed from text) the offending cells. */
  readonly select: readonly string[];
  readonly read: readonly ReadKind[];
  /** Why this column became numeric from text: 'mixed' (inferred) or 'declared' (schema / columnTypes). */
  readonly parsedFrom?: 'mixed' | 'declared';
  /** Categories fixed by a schema: the second expression collects values outside them. */
  readonly unknownRole?: 'category' | 'class';
}

export function numericPlan(column: SourceColumn, parsedFrom?: 'mixed' | 'declared', checkOffenders = true): ColumnPlan {
  if (column.numericType) {
    return { name: column.name, kind: 'numeric', select: [`coalesce(${quoteIdent(column.name)}::DOUBLE, 'NaN'::DOUBLE)`], read: ['float64'] };
  }
  const t = column.textSql;
  const value = `coalesce(TRY_CAST(${t} AS DOUBLE), 'NaN'::DOUBLE)`;
  if (!checkOffenders) return { name: column.name, kind: 'numeric', select: [value], read: ['float64'] };
  const offenders = `CASE WHEN ${t} IS NOT NULL AND TRY_CAST(${t} AS DOUBLE) IS NULL THEN ${t} END`;
  return {
    name: column.name,
    kind: 'numeric',
    select: [value, offenders],
    read: ['float64', 'offenders'],
    ...(parsedFrom ? { parsedFrom } : {}),
  };
}

/**
 * Codes through an anonymous ENUM in SQL, so DuckDB hands back Int32 codes and no strings cross into JS. With
 * `unknownRole` (categories fixed by a schema) a second expression collects the values outside the list.
 */
export function categoricalPlan(column: SourceColumn, categories: readonly string[], unknownRole?: 'category' | 'class'): ColumnPlan {
  if (categories.length === 0) {
    return { name: column.name, kind: 'categorical', categories, select: ['(-1)::INTEGER'], read: ['int32'] };
  }
  const enumType = `ENUM(${categories.map(quoteLiteral).join(', ')})`;
  const cast = `TRY_CAST(${column.codeSql} AS ${enumType})`;
  const code = `coalesce(enum_code(${cast})::INTEGER, -1)`;
  if (!unknownRole) return { name: column.name, kind: 'categorical', categories, select: [code], read: ['int32'] };
  const unknown = `CASE WHEN ${column.textSql} IS NOT NULL AND ${cast} IS NULL THEN ${column.textSql} END`;
  return { name: column.name, kind: 'categorical', categories, select: [code, unknown], read: ['int32', 'offenders'], unknownRole };
}

export function textPlan(column: SourceColumn): ColumnPlan {
  return { name: column.name, kind: 'text', select: [`coalesce(${column.textSql}, '')`], read: ['string'] };
}
