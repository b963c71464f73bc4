import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';
import { BLOCKS_APPLICATION, lockBlocks, lockRank, statementLabel } from '../statement-locks.js';

export default defineMigrationRule({
  id: 'require-statement-timeout',
  meta: {
    category: 'migrations',
    severity: 'info',
    description: 'A migration locks an existing table against the application without setting statement_timeout first',
    rationale: `Once a migration holds a lock that blocks the application, every second it runs is a second of
outage: a column type change rewrites the table under ACCESS EXCLUSIVE, a \`CREATE INDEX\` blocks
writes for the whole build, a constraint scans every row. \`statement_timeout\` caps how long any
one statement may run, so a statement that turns out slower than planned (a bigger table than in
staging) fails and rolls back instead of blocking production indefinitely. \`lock_timeout\` bounds
the wait for the lock; \`statement_timeout\` bounds the time it is held.

Reported once per file, at the first statement that takes SHARE or a stronger lock on a relation
that existed before the migration (as \`require-lock-timeout\`). Size the timeout to the work:
long-running \`CONCURRENTLY\` builds block no one and are better run without one.`,
    invalid: [
      `CREATE TABLE events (id bigint PRIMARY KEY, payload text);
---
ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb; -- flagged`,
    ],
    valid: [
      `CREATE TABLE events (id bigint PRIMARY KEY, payload text);
---
SET statement_timeout = '2min';
ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;`,
      `CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);
CREATE INDEX idx_events_payload ON events USING gin (payload);`,
    ],
  },
  check({ statement, locks, isNew, statementTimeoutSet, reportedInFile, inTransaction, report }) {
    if (statementTimeoutSet || reportedInFile) return;
    const lock = locks.find((l) => lockRank(l.mode) >= lockRank(BLOCKS_APPLICATION) && !isNew(l.relation));
    if (!lock) return;
    const name = qualifiedName(lock.relation.schema, lock.relation.name);
    report({
      message: `${statementLabel(statement)} holds ${lock.mode} on ${name} with no statement_timeout set: nothing bounds how long it blocks ${name}`,
      object: `${lock.relation.schema}.${lock.relation.name}`,
      help: `while the statement runs, its ${lock.mode} lock ${lockBlocks(lock.mode)}. Start the migration with ${inTransaction ? 'SET LOCAL' : 'SET'} statement_timeout = '…', sized to what the migration needs, so a slower run fails instead of blocking production.`,
    });
  },
});
