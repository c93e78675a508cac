import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
const schema = JSON.parse(readFileSync('schemas/manifest.schema.json','utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });
const v = ajv.compile(schema);
const data = { version: 1, destinations: { w: { port: true, host: 'h', database: 'd' } }, syncs: { a: { source: 's', destination: 'w', table: 't', mode: 'insert', primary_key: ['x'], scope: {a: null}, max_rejected_rows: -1 } } };
console.log(v(data));
for (const e of v.errors) console.log(e.instancePath, e.schemaPath, e.keyword, JSON.stringify(e.params), e.message, e.propertyName ?? '');
