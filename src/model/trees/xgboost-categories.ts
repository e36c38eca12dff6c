import { GlassboxError } from '../../errors.js';

type Json = Record<string, unknown>;

/**
 * Category names an XGBoost (≥ 3.1) model file holds for its categorical features: the booster's
 * `cats` container, written when the model was trained on a dataframe with category columns
 * (XGBoost's "auto-recoding"). `cats.enc` has one entry per feature: string categories as UTF-8 bytes
 * (`values`) cut at `offsets`, integer categories as `{type, values}`, and nothing for a numeric
 * feature. A category's code is its position in its list, which is what the trees split on.
 * Returns undefined when the file holds no categories (older files, numeric models).
 */
export function xgboostCategories(model: Json, nFeatures: number, file: string): (readonly string[] | null)[] | undefined {
  const cats = model.cats;
  if (cats === undefined || cats === null) return undefined;
  const enc = (cats as Json).enc;
  if (!Array.isArray(enc)) throw corrupt(file, '"cats.enc" is not an array');
  if (enc.length === 0) return undefined;
  if (enc.length !== nFeatures) throw corrupt(file, `"cats.enc" lists ${enc.length} features, the model has ${nFeatures}`);
  const lists = enc.map((entry, j) => featureCategories(entry as Json, j, file));
  return lists.some((list) => list !== null) ? lists : undefined;
}

function featureCategories(entry: Json, feature: number, file: string): readonly string[] | null {
  if (entry === null || typeof entry !== 'object') return null;
  const values = entry.values;
  if (!Array.isArray(values)) return null;
  if (Array.isArray(entry.offsets)) return decodeStrings(entry.offsets as unknown[], values as unknown[], feature, file);
  if (values.length === 0) return null;
  return values.map((v) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw corrupt(file, `feature ${feature}: integer category ${String(v)} is not an integer`);
    return String(v);
  });
}

/** `values` holds the names' UTF-8 bytes back to back (as signed bytes); name k is bytes offsets[k] .. offsets[k+1]. */
function decodeStrings(offsets: unknown[], values: unknown[], feature: number, file: string): readonly string[] | null {
  if (offsets.length < 2) return null;
  const bytes = Uint8Array.from(values, (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -128 || v > 255) throw corrupt(file, `feature ${feature}: category byte ${String(v)} is not a byte`);
    return v & 0xff;
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const names: string[] = [];
  for (let k = 0; k + 1 < offsets.length; k++) {
    const start = Number(offsets[k]);
    const end = Number(offsets[k + 1]);
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > bytes.length) throw corrupt(file, `feature ${feature}: category offsets ${start}..${end} fall outside its ${bytes.length} bytes`);
    names.push(decoder.decode(bytes.subarray(start, end)));
  }
  return names;
}

function corrupt(file: string, what: string): GlassboxError {
  return new GlassboxError('invalid_input', `${file}: ${what}.`, { file, hint: 'The model file is truncated or corrupted; re-save it with Booster.save_model("model.json").' });
}
