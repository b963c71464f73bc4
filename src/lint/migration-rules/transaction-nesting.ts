import { defineMigrationRule } from '../migration-types.js';

const BEGINS = ['TRANS_STMT_BEGIN', 'TRANS_STMT_START'];
const ENDS = ['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE'];

export default defineMigrationRule({
  id: 'transaction-nesting',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'BEGIN inside a transaction, or COMMIT/ROLLBACK of the transaction the migration tool opened',
    rationale: `PostgreSQL transactions do not nest: a \`BEGIN\` inside a transaction only raises *WARNING: there is
already a transaction in progress*, and the first \`COMMIT\` ends the whole transaction. In a file the
migration tool already runs in a transaction (Flyway, dbmate, drizzle, most numbered-file tools; a
multi-statement golang-migrate or Prisma file), the file's own \`COMMIT\` ends the tool's transaction
early: the statements after it run outside any transaction, so a failure there leaves the migration
half applied, and the tool's own COMMIT finds no transaction. A \`ROLLBACK\` there undoes the
migration's work while the tool records it as applied.

Leave transaction control to the tool, or turn its transaction off for this file (dbmate
\`transaction:false\`, Flyway \`executeInTransaction=false\`, goose \`NO TRANSACTION\`) and manage it in
the file.`,
    invalid: [
      `BEGIN; -- flagged
CREATE TABLE customers (id bigint PRIMARY KEY);
COMMIT; -- flagged`,
      {
        sql: `BEGIN;
CREATE TABLE customers (id bigint PRIMARY KEY);
BEGIN; -- flagged
CREATE TABLE orders (id bigint PRIMARY KEY);
COMMIT;`,
        transactional: false,
      },
    ],
    valid: [
      {
        sql: `BEGIN;
CREATE TABLE customers (id bigint PRIMARY KEY);
COMMIT;`,
        transactional: false,
      },
      `CREATE TABLE customers (id bigint PRIMARY KEY);
SAVEPOINT before_orders;
CREATE TABLE orders (id bigint PRIMARY KEY);
RELEASE SAVEPOINT before_orders;`,
    ],
  },
  check({ statement, inTransaction, inExplicitTransaction, runnerTransaction, report }) {
    if (statement.type !== 'TransactionStmt') return;
    const kind = statement.node.kind;
    if (BEGINS.includes(kind) && inTransaction) {
      report({
        message: inExplicitTransaction
          ? 'BEGIN inside a transaction already begun: PostgreSQL ignores it, and the first COMMIT ends both'
          : 'BEGIN in a file the migration tool already runs in a transaction: PostgreSQL ignores it',
        help: 'transactions do not nest (PostgreSQL only warns). Remove the inner BEGIN, or use SAVEPOINT for a partial rollback.',
      });
    } else if (ENDS.includes(kind) && runnerTransaction) {
      const rollback = kind === 'TRANS_STMT_ROLLBACK';
      report({
        message: rollback
          ? "ROLLBACK undoes the migration inside the migration tool's transaction, and the tool still records it as applied"
          : "COMMIT ends the migration tool's transaction early: what follows runs outside it",
        help: rollback
          ? 'leave transaction control to the tool: a failing statement already rolls the migration back.'
          : "leave transaction control to the tool (remove BEGIN/COMMIT), or turn the tool's transaction off for this file and manage it here.",
      });
    }
  },
});
