import { qualifiedName } from '../../model/quote-ident.js';
import { findTable } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'invalid-index',
  meta: {
    category: 'indexes',
    severity: 'error',
    live: true,
    description: 'Indexes left invalid by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY.',
    rationale: `When a concurrent build fails (a duplicate for a UNIQUE index, a deadlock, a cancelled statement)
PostgreSQL leaves the index behind marked invalid (\`pg_index.indisvalid = false\`). The planner never uses
it, but every write still maintains it, and an invalid unique index still rejects duplicates. Drop it
(concurrently) and build it again once the cause is fixed.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
INSERT INTO users VALUES (1, 'a@example.com'), (2, 'a@example.com');
CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (email); -- flagged
-- ERROR: could not create unique index "idx_users_email"`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
CREATE UNIQUE INDEX CONCURRENTLY idx_users_email ON users (email);`,
    ],
  },
  check({ database, live, report }) {
    for (const ix of live!.invalidIndexes) {
      if (!findTable(database, { schema: ix.schema, name: ix.table })) continue; // filtered out (--schema, --table)
      const rebuild = ix.definition.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}CONCURRENTLY `);
      report({
        message: `Index ${ix.name} on ${ix.schema}.${ix.table} is invalid: a concurrent build or reindex failed`,
        object: `${ix.schema}.${ix.name}`,
        table: `${ix.schema}.${ix.table}`,
        help: 'The planner ignores it while every write maintains it. Drop it, fix what made the build fail (duplicates, a cancelled statement), then build it again.',
        fix: {
          title: `Drop the invalid ${ix.name}`,
          sql: `DROP INDEX CONCURRENTLY ${qualifiedName(ix.schema, ix.name)};\n-- then, once the cause is fixed:\n-- ${rebuild};`,
        },
      });
    }
  },
});
