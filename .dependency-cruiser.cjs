/**
 * Import boundaries (DESIGN.md "Import boundaries" and "Layout"), checked by `npm run check:imports`,
 * which `npm test` runs. Imports run one way:
 *   cli → pipeline → apply → plan → mapping → source → model
 * with introspect, dialect, db and storage at the side (I/O rooms the flow calls), and render
 * reading the plan's JSON and the run report. Type-only imports of a room's types are allowed where
 * a value import is not, when the rule says so (they load no code).
 */
const room = (name) => `^src/${name}/`;
const anyOf = (...names) => `^src/(${names.join('|')})/`;
const TOP = '^src/(pipeline|index|destinations)\\.ts$';

/** A rule: files in `from` import nothing in `to` (type-only imports allowed when `types: true`). */
const forbid = (name, comment, from, to, { types = false } = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, ...(types ? { dependencyTypesNot: ['type-only'] } : {}) },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'Rooms import each other one way; a cycle tangles them.', severity: 'error', from: {}, to: { circular: true } },

    // The flow, one way down.
    forbid('model-is-the-floor', 'model/ holds plain types and pure helpers: it imports no other room.', room('model'), '^src/(?!model/)'),
    forbid('source-below-mapping', 'Sources stream records; they know nothing of mapping, planning or applying.', room('source'), `${anyOf('mapping', 'plan', 'apply', 'cli', 'introspect', 'render', 'storage', 'dialect')}|${TOP}`),
    forbid('mapping-below-plan', 'Mapping turns records into desired rows; planning is above it.', room('mapping'), `${anyOf('plan', 'apply', 'cli', 'introspect', 'render', 'storage', 'db')}|${TOP}`),
    forbid('plan-is-pure', 'Planning is pure: no database, no apply, no CLI, no storage I/O.', room('plan'), `${anyOf('db', 'apply', 'cli', 'introspect', 'render', 'storage')}|${TOP}`),
    forbid('plan-reads-no-source', 'Planning sees source records only as types (SourceRow).', room('plan'), room('source'), { types: true }),
    forbid('apply-below-cli', 'Apply is called by the pipeline and the CLI, never the other way.', room('apply'), `${anyOf('cli', 'render')}|${TOP}`),
    forbid('render-reads-json', 'Renderers read the JSON plan and the run report (types), nothing that does I/O.', room('render'), anyOf('db', 'introspect', 'source', 'mapping', 'cli', 'storage', 'dialect', 'manifest')),
    forbid('render-types-only', 'Renderers take plan and report values, they do not plan or apply.', room('render'), anyOf('plan', 'apply'), { types: true }),
    forbid('introspect-at-the-side', 'Introspection reads the destination; it does not plan or apply.', room('introspect'), `${anyOf('plan', 'apply', 'cli', 'render', 'source', 'storage')}|${TOP}`),
    forbid('side-rooms-stay-low', 'dialect, db and storage serve the flow; they import only model (and manifest types).', anyOf('dialect', 'db', 'storage'), `${anyOf('source', 'mapping', 'plan', 'apply', 'cli', 'introspect', 'render')}|${TOP}`),
    forbid('manifest-is-loaded-not-loading', 'The manifest room loads and validates config; it runs nothing.', room('manifest'), `${anyOf('source', 'mapping', 'plan', 'apply', 'cli', 'introspect', 'render', 'storage', 'db')}|${TOP}`),

    // Libraries, each in its one room.
    forbid('yargs-listr2-in-cli', 'Only cli/ imports yargs and listr2.', '^src/(?!cli/)', '^node_modules/(yargs|listr2)/'),
    forbid('yaml-ajv-in-manifest', 'Only manifest/ imports yaml and ajv.', '^src/(?!manifest/)', '^node_modules/(yaml|ajv)/'),
    forbid('drivers-in-db-and-database-sources', 'Only db/ and the database sources import database drivers.', '^src/(?!db/|source/(mysql|postgres|duckdb)-query\\.ts$)', '^node_modules/(mysql2|pg|pg-[^/]+|@duckdb/[^/]+)/'),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
