// The library API. The CLI (src/cli) is a thin layer over these.
export type * from './model/types.js';
export { SNAPSHOT_VERSION } from './model/types.js';
export { SchemawiseError } from './errors.js';
export { loadSchema, loadStatic, readSqlInput, isDatabaseUrl, type LoadResult, type LoadOptions, type SourceInfo, type SqlSource } from './load/load-schema.js';
export { readMigrationFolder, isMigrationFolder, type MigrationFolder, type MigrationFile, type MigrationConvention } from './migrations/read-migration-folder.js';
export { parseScript, initParser, type ParsedScript, type ParsedStatement, type Note } from './parse/parse-script.js';
export { splitSql } from './parse/split-sql.js';
export { filterModel, type ModelFilter } from './model/filter-model.js';
export { stripSpans } from './model/strip-spans.js';
export { normalizeForComparison, normalizeExpression, initNormalizer } from './model/normalize.js';
export { createEmbeddedEngine, bundledExtensions } from './engine/embedded.js';
export { connectServer, redactUrl } from './engine/server.js';
export type { Engine } from './engine/engine.js';
export { introspect } from './engine/introspect.js';
export { toMermaid, toMermaidMarkdown } from './report/mermaid.js';
export { toDDL } from './report/ddl.js';
