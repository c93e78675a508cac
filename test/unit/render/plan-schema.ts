/** schemas/plan.schema.json as a validator (ajv, JSON Schema 2020-12, with formats), for the tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

export const PLAN_SCHEMA_PATH = resolve(import.meta.dirname, '../../../schemas/plan.schema.json');

let validator: ValidateFunction | undefined;

/** The ajv errors of `value` against plan.schema.json, as readable lines; [] when valid. */
export function planSchemaErrors(value: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    addFormats(ajv);
    validator = ajv.compile(JSON.parse(readFileSync(PLAN_SCHEMA_PATH, 'utf8')) as object);
  }
  if (validator(value)) return [];
  return (validator.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}
