import { GlassboxError } from '../errors.js';
import type { RawMatrix } from '../encode/encoder.js';
import { rawMatrixFromRecords } from '../encode/raw-matrix.js';
import { checkRecordFields } from '../encode/record-fields.js';
import type { Encoder } from '../encode/encoder.js';
import type { DashboardSession } from './session.js';

/** The session's encoder, or a 422 saying the route needs tabular rows. */
export function tabularEncoder(session: DashboardSession, route: string): Encoder {
  if (session.encoder) return session.encoder;
  throw new GlassboxError('missing_capability', `${route} takes tabular rows; ${session.title} is not tabular.`, { hint: 'Send rowId to pick one of the served rows instead.' });
}

/**
 * JSON rows ({feature: value}) as ordinal-coded raw features: every feature must be present, no
 * unknown field is allowed, and categories must be ones the encoder knows — the checks and messages
 * of the library's record reader, with `route` naming where the rows came from.
 */
export function rawFromRecords(session: DashboardSession, records: readonly Readonly<Record<string, unknown>>[], route: string): RawMatrix {
  const encoder = tabularEncoder(session, route);
  const source = `${route} rows`;
  checkRecordFields(records, encoder.features, source);
  return rawMatrixFromRecords(records, encoder.features, source);
}
