import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, builtKey, keySpan, usingIndexRewrite } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'adding-primary-key',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ADD PRIMARY KEY on an existing table builds its index under ACCESS EXCLUSIVE',
    rationale: `\`ALTER TABLE … ADD PRIMARY KEY (…)\` (or \`ADD COLUMN … PRIMARY KEY\`) takes an **ACCESS EXCLUSIVE** lock and
builds the unique index while holding it: every read and write of the table waits for the whole build —
and, for key columns not yet NOT NULL, for a scan checking them. The table is not rewritten (unless the new
column needs it, see [adding-field-with-volatile-default](adding-field-with-volatile-default.md)).

The safe way splits the work: \`CREATE UNIQUE INDEX CONCURRENTLY\` builds the index under SHARE UPDATE
EXCLUSIVE (reads and writes go on; it cannot run in a transaction block, and a failed build leaves an
INVALID index to drop), then \`ADD CONSTRAINT … PRIMARY KEY USING INDEX\` turns it into the key with a
moment's lock. Make the key columns NOT NULL first through a validated CHECK (PostgreSQL 12+, see
[adding-not-nullable-field](adding-not-nullable-field.md)), or USING INDEX checks them with a scan under
ACCESS EXCLUSIVE. On a partitioned table neither CONCURRENTLY nor USING INDEX is allowed: build a matching
unique index CONCURRENTLY on each partition first, and ADD PRIMARY KEY on the parent attaches them instead
of building. A key added to a table created earlier in the same migration is not flagged.`,
    invalid: [
      `CREATE TABLE items (id bigint NOT NULL, name text);
---
ALTER TABLE items ADD PRIMARY KEY (id); -- flagged`,
      `CREATE TABLE items (name text);
---
ALTER TABLE items ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY; -- flagged`,
    ],
    valid: [
      `CREATE TABLE items (id bigint NOT NULL, name text);
CREATE UNIQUE INDEX items_pkey ON items (id);
---
ALTER TABLE items ADD CONSTRAINT items_pkey PRIMARY KEY USING INDEX items_pkey;`,
      // The table is new: nobody waits for the index build.
      `CREATE TABLE items (id bigint NOT NULL, name text);
ALTER TABLE items ADD PRIMARY KEY (id);`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    const flagged = alter.commands.filter(({ cmd }) => builtKey(cmd, 'CONSTR_PRIMARY'));
    if (!flagged.length) return;
    const fix = usingIndexRewrite(ctx, target, flagged);
    for (const command of flagged) {
      const keys = builtKey(command.cmd, 'CONSTR_PRIMARY')!;
      const inline = command.cmd.subtype === 'AT_AddColumn';
      const nullable = inline ? [] : keys.filter((k) => !target.table?.columns.find((c) => c.name === k)?.notNull);
      const scan = nullable.length ? ` and a scan checking ${nullable.map(quoteIdent).join(', ')} for NULLs` : '';
      const safeWay = target.table?.partitioning
        ? 'A partitioned table allows neither CONCURRENTLY nor USING INDEX: build a matching unique index CONCURRENTLY on each partition first, ADD PRIMARY KEY then attaches them instead of building.'
        : inline
          ? 'Add the column first (filled and NOT NULL), then build the index with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction) and ADD CONSTRAINT … PRIMARY KEY USING INDEX.'
          : `Build it with CREATE UNIQUE INDEX CONCURRENTLY (outside a transaction)${nullable.length ? ', make the columns NOT NULL through a validated CHECK' : ''}, then ADD CONSTRAINT … PRIMARY KEY USING INDEX.`;
      ctx.report({
        message: `ADD PRIMARY KEY (${keys.map(quoteIdent).join(', ')}) builds its index while ${target.object} is locked against reads and writes`,
        span: keySpan(ctx.statement, command, 'CONSTR_PRIMARY'),
        object: target.object,
        help: `takes ACCESS EXCLUSIVE on ${target.object} for the whole index build${scan}: all reads and writes wait. ${safeWay}`,
        ...(fix && { fix }),
      });
    }
  },
});
