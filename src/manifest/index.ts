/** The manifest room: YAML manifest → typed Config, or Diagnostics saying what is wrong and where. */
export { loadManifest, parseManifest, type ManifestResult } from './load.js';
export { interpolateString, type Env } from './interpolate.js';
export { MANIFEST_SCHEMA_URL } from './validate.js';
export { isLoopback, parseMysqlUrl, type UrlParts } from './mysql-url.js';
export { parsePostgresUrl } from './postgres-url.js';
export type * from './types.js';
export { AUDIENCE_COLUMN, isQuerySource } from './types.js';
