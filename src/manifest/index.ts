/** The manifest room: YAML manifest → typed Config, or Diagnostics saying what is wrong and where. */
export { loadManifest, parseManifest, type ManifestResult } from './load.js';
export { interpolateString, type Env } from './interpolate.js';
export { MANIFEST_SCHEMA_URL } from './validate.js';
export { AUDIENCE_COLUMN, isLoopback, parseMysqlUrl } from './normalize.js';
export type * from './types.js';
