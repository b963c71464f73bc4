import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';
import { BLOCKS_APPLICATION, lockBlocks, lockRank, statementLabel } from '../statement-locks.js';

export default defineMigrationRule({
  id: 'require-lock-timeout',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'A migration locks an existing table against the application without setting lock_timeout first',
    rationale: `A lock request waits in a queue: \`ALTER TABLE\` needs ACCESS EXCLUSIVE, so it waits for every
transaction that touched the table — a long report, an idle-in-transaction session — and every query
that arrives meanwhile queues behind it. A one-millisecond schema change becomes minutes of outage.
\`lock_timeout\` bounds that wait: the migration fails fast, nothing queues for long, and it can be
retried (\`SET LOCAL lock_timeout = '5s'\` inside the migration's transaction; \`SET\` when it runs
statement by statement, where \`SET LOCAL\` does nothing).

Reported once per file, at the first statement that takes a lock conflicting with the application's
own (SHARE or stronger: \`CREATE INDEX\`, \`ALTER TABLE\`, \`DROP\`, \`TRUNCATE\`, a foreign key to an
existing table…) on a relation that existed before the migration. Locks on tables the migration
creates harm no one; \`INSERT\`/\`UPDATE\`/\`DELETE\` (ROW EXCLUSIVE) and \`CONCURRENTLY\` operations
(SHARE UPDATE EXCLUSIVE) conflict with no application statement and are not counted.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN nickname text; -- flagged
ALTER TABLE users ADD COLUMN bio text;`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
---
CREATE TABLE orders ( -- flagged
  id bigint PRIMARY KEY,
  customer_id bigint REFERENCES customers (id)
);`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
SET LOCAL lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN nickname text;`,
      { sql: `CREATE INDEX CONCURRENTLY idx_users_email ON users (email);`, transactional: false },
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
SELECT set_config('lock_timeout', '3s', true);
DROP TABLE users;`,
    ],
  },
  check({ statement, locks, isNew, lockTimeoutSet, reportedInFile, inTransaction, report }) {
    if (lockTimeoutSet || reportedInFile) return;
    const lock = locks.find((l) => lockRank(l.mode) >= lockRank(BLOCKS_APPLICATION) && !isNew(l.relation));
    if (!lock) return;
    const name = qualifiedName(lock.relation.schema, lock.relation.name);
    report({
      message: `${statementLabel(statement)} takes ${lock.mode} on ${name} with no lock_timeout set: while it waits for the lock, queries on ${name} queue behind it`,
      object: `${lock.relation.schema}.${lock.relation.name}`,
      help: `while it waits for the lock (behind any open transaction on ${name}), what the lock conflicts with queues behind it: ${lock.mode} ${lockBlocks(lock.mode)}. Start the migration with ${inTransaction ? "SET LOCAL lock_timeout = '5s'" : "SET lock_timeout = '5s'"} and retry when it times out.`,
      fix: { title: 'set a lock timeout before it', sql: `${inTransaction ? 'SET LOCAL' : 'SET'} lock_timeout = '5s';\n${statement.text.trim().replace(/;?$/, ';')}` },
    });
  },
});
