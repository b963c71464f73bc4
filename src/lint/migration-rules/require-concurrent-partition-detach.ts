import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'require-concurrent-partition-detach',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ALTER TABLE … DETACH PARTITION without CONCURRENTLY on PostgreSQL 14 and later',
    rationale: `\`ALTER TABLE parent DETACH PARTITION child\` takes an ACCESS EXCLUSIVE lock on the parent and the
partition: every read and write of the whole partitioned table waits, first for the lock (behind
every running query on any partition) and then for the detach. From PostgreSQL 14,
\`DETACH PARTITION … CONCURRENTLY\` takes SHARE UPDATE EXCLUSIVE on the parent and waits for
running queries in two transactions instead: queries go on. It cannot run inside a transaction
block, nor when the parent has a default partition; if it is interrupted, finish it with
\`ALTER TABLE parent DETACH PARTITION child FINALIZE\`.

Before PostgreSQL 14 there is no concurrent form and nothing is flagged; partitions created
earlier in the same migration are not flagged either, nor a detach from a parent the migration's
transaction already holds ACCESS EXCLUSIVE on (it waits for no one).`,
    invalid: [
      `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
---
ALTER TABLE events DETACH PARTITION events_2020; -- flagged`,
    ],
    valid: [
      {
        sql: `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
---
ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;`,
        transactional: false,
      },
      {
        sql: `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
---
ALTER TABLE events DETACH PARTITION events_2020;`,
        pgVersion: 13,
      },
      `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
---
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
ALTER TABLE events DETACH PARTITION events_2020;`,
    ],
  },
  check({ statement, pgVersion, qualify, isNew, heldLock, database, report }) {
    if (statement.type !== 'AlterTableStmt' || pgVersion < 14) return;
    const cmds = statement.node.cmds ?? [];
    const parent = qualify(statement.node.relation);
    for (const { AlterTableCmd: cmd } of cmds) {
      if (cmd?.subtype !== 'AT_DetachPartition' || cmd.def?.PartitionCmd?.concurrent) continue;
      const partition = qualify(cmd.def.PartitionCmd.name);
      if (isNew(parent) || isNew(partition) || heldLock(parent) === 'ACCESS EXCLUSIVE') continue;
      const parentName = qualifiedName(parent.schema, parent.name);
      const defaultPartition = database.schemas.some((s) =>
        s.tables.some((t) => t.partitionOf?.bound === 'DEFAULT' && t.partitionOf.parent.schema === parent.schema && t.partitionOf.parent.name === parent.name),
      );
      const text = statement.text.trim();
      // One subcommand and no comment to land after: CONCURRENTLY goes at the end.
      const fixable = cmds.length === 1 && !defaultPartition && !/--|\/\*/.test(text);
      report({
        message: `DETACH PARTITION ${qualifiedName(partition.schema, partition.name)} blocks every read and write of ${parentName} and all its partitions`,
        object: `${partition.schema}.${partition.name}`,
        table: `${parent.schema}.${parent.name}`,
        help: `takes ACCESS EXCLUSIVE on ${parentName} and the partition. ${
          defaultPartition
            ? `CONCURRENTLY is refused while ${parentName} has a default partition: detach in a quiet period, or move the default partition's rows out first.`
            : 'Use DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+; SHARE UPDATE EXCLUSIVE), outside a transaction block; if interrupted, finish with DETACH PARTITION … FINALIZE.'
        }`,
        ...(fixable && { fix: { title: 'detach concurrently', sql: `${text.replace(/;$/, '')} CONCURRENTLY;` } }),
      });
    }
  },
});
