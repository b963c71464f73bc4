import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, builtKey, keySpan, usingIndexRewrite } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'adding-unique-constraint',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ADD UNIQUE on an existing table builds its index under ACCESS EXCLUSIVE',
    rationale: `\`ALTER TABLE … ADD CONSTRAINT … UNIQUE (…)\` (or \`ADD COLUMN … UNIQUE\`) takes an **ACCESS EXCLUSIVE** lock and
builds the unique index while holding it: every read and write of the table waits for the whole build, which
on a large table is minutes. Nothing is rewritten.

The safe way splits the work: \`CREATE UNIQUE INDEX CONCURRENTLY\` builds the index under SHARE UPDATE
EXCLUSIVE (reads and writes go on; it cannot run in a transaction block, and a failed build — a duplicate,
say — leaves an INVALID index to drop), then \`ADD CONSTRAINT … UNIQUE USING INDEX\` turns it into the
constraint with a moment's lock (INCLUDE, NULLS NOT DISTINCT and DEFERRABLE carry over). On a partitioned
table neither CONCURRENTLY nor USING INDEX is allowed: build a matching unique index CONCURRENTLY on each
partition first, and ADD CONSTRAINT on the parent attaches them instead of building. A plain
\`CREATE UNIQUE INDEX\` is [require-concurrent-index-creation](require-concurrent-index-creation.md)'s. A
constraint added to a table created earlier in the same migration is not flagged.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email); -- flagged`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN handle text UNIQUE; -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;`,
      // The table is new: nobody waits for the index build.
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    const flagged = alter.commands.filter(({ cmd }) => builtKey(cmd, 'CONSTR_UNIQUE'));
    if (!flagged.length) return;
    const fix = usingIndexRewrite(ctx, target, flagged);
    for (const command of flagged) {
      const keys = builtKey(command.cmd, 'CONSTR_UNIQUE')!;
      const safeWay = target.table?.partitioning
        ? 'A partitioned table allows neither CONCURRENTLY nor USING INDEX: build a matching unique index CONCURRENTLY on each partition first, ADD CONSTRAINT then attaches them instead of building.'
        : command.cmd.subtype === 'AT_AddColumn'
          ? 'Add the column without UNIQUE, build the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then ADD CONSTRAINT … UNIQUE USING INDEX.'
          : 'Build it with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction), then ADD CONSTRAINT … UNIQUE USING INDEX.';
      ctx.report({
        message: `ADD UNIQUE (${keys.map(quoteIdent).join(', ')}) builds its index while ${target.object} is locked against reads and writes`,
        span: keySpan(ctx.statement, command, 'CONSTR_UNIQUE'),
        object: target.object,
        help: `takes ACCESS EXCLUSIVE on ${target.object} for the whole index build: all reads and writes wait. ${safeWay}`,
        ...(fix && { fix }),
      });
    }
  },
});
