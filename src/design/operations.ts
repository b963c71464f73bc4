import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Decision } from './decision.js';
import { ageColumn } from './age-column.js';
import type { DesignModel } from './design-model.js';
import type { Spec } from './spec.js';

/** Cores assumed for the database server when the spec does not say (workload.cores). */
const DEFAULT_CORES = 4;

/**
 * How the database is run: a PgBouncer in transaction mode with a pool sized from the cores,
 * three roles with their timeouts (the application, read-only, migrations), the isolation level
 * the consistency asked for, and partition maintenance. Decisions, and the files under ops/.
 */
export function designOperations(spec: Spec, design: DesignModel): Map<string, string> {
  const files = new Map<string, string>();
  const decide = (d: Decision) => design.decisions.push(d);
  const cores = spec.workload.cores ?? DEFAULT_CORES;
  const olap = spec.workload.type === 'olap';
  // Active connections beyond about twice the cores only queue inside PostgreSQL (and each costs memory).
  const pool = Math.max(4, cores * 2);
  const timeouts = {
    app: olap ? '5min' : spec.workload.type === 'mixed' ? '30s' : '5s',
    lock: '2s',
    idle: olap ? '10min' : '60s',
  };
  decide({ topic: 'operations', subject: 'pooling', choice: `PgBouncer in transaction mode, ${pool} server connections per database (default_pool_size), clients up to 1000`, reason: `${cores} cores${spec.workload.cores ? '' : ' (assumed: give workload.cores)'}: beyond about two active connections per core, queries queue inside PostgreSQL and each backend holds memory; transaction mode shares a server connection between many idle clients`, tradeoff: 'transaction mode cannot keep session state between transactions: no SET (use SET LOCAL), no advisory session locks, prepared statements only with PgBouncer 1.21+ (max_prepared_statements)', from: spec.workload.cores ? ['workload', 'cores'] : undefined });
  decide({ topic: 'operations', subject: 'timeouts', choice: `app: statement_timeout ${timeouts.app}, lock_timeout ${timeouts.lock}, idle_in_transaction_session_timeout ${timeouts.idle}; migrations: lock_timeout 5s; read-only: statement_timeout ${olap ? '30min' : '60s'}`, reason: `${spec.workload.type === 'oltp' ? 'an' : 'a'} ${spec.workload.type.toUpperCase()} query slower than that is a bug or an attack, a lock wait longer than ${timeouts.lock} queues every writer behind it, and a forgotten open transaction holds back vacuum`, tradeoff: 'legitimate long work (backfills, reports) runs under its own role or sets SET LOCAL statement_timeout', from: ['workload', 'type'] });
  const strong = spec.workload.consistency === 'strong';
  decide({ topic: 'operations', subject: 'isolation', choice: strong ? 'READ COMMITTED by default; SERIALIZABLE (with retry on 40001) or SELECT … FOR UPDATE for read-modify-write invariants; reads from the primary' : 'READ COMMITTED; reads may go to replicas (app_ro)', reason: strong ? 'strong consistency: constraints and row locks hold the invariants the schema cannot, and no read sees a replica\'s lag' : 'eventual consistency: replicas take the reads, a few hundred milliseconds behind', tradeoff: strong ? 'SERIALIZABLE transactions can fail and must be retried by the application' : 'a read after a write may not see it on a replica', from: ['workload', 'consistency'] });

  files.set('ops/pgbouncer.ini', pgbouncerIni(spec, pool));
  files.set('ops/roles.sql', rolesSql(spec, timeouts, olap));
  // Monthly range partitions need making ahead and dropping; hash partitions are made once, by schema.sql.
  const partitioned = design.database.schemas.flatMap((s) => s.tables.filter((t) => t.partitioning?.strategy === 'range').map((t) => ({ schema: s.name, table: t })));
  if (partitioned.length) files.set('ops/partitions.sql', partitionsSql(spec, design, partitioned));
  const retention = design.decisions.filter((d) => d.topic === 'partitioning' && d.choice === 'not partitioned' && /retention/.test(d.reason));
  if (retention.length) files.set('ops/retention.sql', retentionSql(spec, design, retention.map((d) => d.subject)));
  return files;
}

function pgbouncerIni(spec: Spec, pool: number): string {
  return `; PgBouncer for ${spec.name} (schemawise design; the reasons are in DESIGN.md, Operations).
[databases]
${spec.name} = host=127.0.0.1 port=5432 dbname=${spec.name}

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
pool_mode = transaction
default_pool_size = ${pool}
reserve_pool_size = ${Math.max(1, Math.round(pool / 4))}
max_client_conn = 1000
; Prepared statements across transactions (PgBouncer 1.21+).
max_prepared_statements = 200
server_reset_query =
`;
}

function rolesSql(spec: Spec, t: { app: string; lock: string; idle: string }, olap: boolean): string {
  const db = quoteIdent(spec.name);
  return `-- Roles for ${spec.name} (schemawise design; the reasons are in DESIGN.md, Operations).
-- Passwords are set outside version control: ALTER ROLE app_rw PASSWORD '…';
CREATE ROLE app_rw LOGIN;
ALTER ROLE app_rw IN DATABASE ${db} SET statement_timeout = '${t.app}';
ALTER ROLE app_rw IN DATABASE ${db} SET lock_timeout = '${t.lock}';
ALTER ROLE app_rw IN DATABASE ${db} SET idle_in_transaction_session_timeout = '${t.idle}';
GRANT USAGE ON SCHEMA public TO app_rw;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO app_rw;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO app_rw;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO app_rw;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO app_rw;

CREATE ROLE app_ro LOGIN;
ALTER ROLE app_ro IN DATABASE ${db} SET default_transaction_read_only = on;
ALTER ROLE app_ro IN DATABASE ${db} SET statement_timeout = '${olap ? '30min' : '60s'}';
GRANT USAGE ON SCHEMA public TO app_ro;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_ro;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO app_ro;

-- Migrations own the schema; a DDL statement that waits for a lock gives up instead of blocking traffic.
CREATE ROLE migrator LOGIN;
ALTER ROLE migrator IN DATABASE ${db} SET lock_timeout = '5s';
ALTER ROLE migrator IN DATABASE ${db} SET statement_timeout = '0';
GRANT CREATE, USAGE ON SCHEMA public TO migrator;
`;
}

/** A procedure per partitioned table: the months ahead created, those past retention detached and dropped; run it daily. */
function partitionsSql(spec: Spec, design: DesignModel, partitioned: { schema: string; table: { name: string; partitioning?: { keys: string[] } } }[]): string {
  const out = [`-- Partition maintenance for ${spec.name} (schemawise design). Run daily (cron, pg_cron: SELECT cron.schedule('partitions', '5 0 * * *', 'CALL maintain_partitions()')).`, `-- Rows outside every monthly partition land in the DEFAULT one; a month created later takes its rows from there.`, ''];
  const calls: string[] = [];
  const retentionOf = (table: string): string | undefined => {
    const entity = [...design.tables.values()].find((t) => t.table.name === table)?.entity;
    const own = entity ? spec.entities[entity].retention : undefined;
    const parent = design.coPartitions.find((c) => c.child === table)?.parent;
    return own ?? (parent ? retentionOf(parent) : undefined);
  };
  // Co-partitioned children first: a parent's month can be detached only once nothing refers to it.
  const children = new Set(design.coPartitions.map((c) => c.child));
  const ordered = [...partitioned.filter((p) => children.has(p.table.name)), ...partitioned.filter((p) => !children.has(p.table.name))];
  for (const { schema, table } of ordered) {
    const retention = retentionOf(table.name);
    const referenced = design.coPartitions.some((c) => c.parent === table.name);
    const name = `maintain_${table.name}_partitions`;
    const key = table.partitioning!.keys[0];
    const defaultPartition = design.database.schemas.find((x) => x.name === schema)!.tables.find((t) => t.partitionOf?.parent.name === table.name && t.partitionOf.bound === 'DEFAULT')!.name;
    calls.push(`CALL ${name}();`);
    out.push(
      `CREATE OR REPLACE PROCEDURE ${qualifiedName(schema, name)}(months_ahead int DEFAULT 3)
LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', now())::date;
  m date;
  part_name text;
  part record;
BEGIN
  FOR i IN 0..months_ahead LOOP
    m := first + make_interval(months => i);
    part_name := '${table.name}_' || to_char(m, 'YYYY_MM');
    CONTINUE WHEN to_regclass(format('%I.%I', '${schema}', part_name)) IS NOT NULL;
    -- Rows of that month already in the DEFAULT partition move into the new one first: a partition
    -- cannot be attached while the DEFAULT one holds rows of its range.
${
  referenced
    ? `    -- Moving this table's rows out of the DEFAULT partition would delete them there, firing the
    -- ON DELETE of the tables partitioned with it: that month stays in the DEFAULT partition, said.
    IF EXISTS (SELECT FROM ${qualifiedName(schema, defaultPartition)} WHERE ${quoteIdent(key)} >= m AND ${quoteIdent(key)} < m + interval '1 month') THEN
      RAISE WARNING '${table.name}: rows of % are in ${defaultPartition}; its partition is not created (move them in a maintenance window)', to_char(m, 'YYYY-MM');
      CONTINUE;
    END IF;
`
    : ''
}    EXECUTE format('CREATE TABLE %I.%I (LIKE ${qualifiedName(schema, table.name)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', '${schema}', part_name);
    EXECUTE format('WITH moved AS (DELETE FROM ${qualifiedName(schema, defaultPartition)} WHERE ${quoteIdent(key)} >= %L AND ${quoteIdent(key)} < %L RETURNING *) INSERT INTO %I.%I SELECT * FROM moved',
                   m, m + interval '1 month', '${schema}', part_name);
    EXECUTE format('ALTER TABLE ${qualifiedName(schema, table.name)} ATTACH PARTITION %I.%I FOR VALUES FROM (%L) TO (%L)', '${schema}', part_name, m, m + interval '1 month');
  END LOOP;${
    retention
      ? `
  -- Past retention (${retention}): rows left in the DEFAULT partition deleted (a month created late, or
  -- a table partitioned with its parent: the parent's month can leave only once nothing refers to it),
  -- then month partitions detached and dropped. DETACH … CONCURRENTLY cannot run in a procedure:
  -- the plain DETACH locks the parent briefly (ACCESS EXCLUSIVE), and lock_timeout bounds the wait.
  SET LOCAL lock_timeout = '2s';
  DELETE FROM ${qualifiedName(schema, defaultPartition)} WHERE ${quoteIdent(key)} < now() - interval '${retention}';
  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = '${qualifiedName(schema, table.name)}'::regclass AND c.relname ~ '_\\d{4}_\\d{2}$'
      AND to_date(right(c.relname, 7), 'YYYY_MM') + interval '1 month' <= now() - interval '${retention}'
  LOOP
    EXECUTE format('ALTER TABLE ${qualifiedName(schema, table.name)} DETACH PARTITION %I', part.relname);
    EXECUTE format('DROP TABLE %I', part.relname);
  END LOOP;`
      : ''
  }
END;
$$;`,
      '',
    );
  }
  out.push('CREATE OR REPLACE PROCEDURE maintain_partitions()', 'LANGUAGE plpgsql AS $$', 'BEGIN', ...calls.map((c) => `  ${c}`), 'END;', '$$;', '');
  return out.join('\n');
}

/** Tables kept whole despite a retention: old rows deleted in batches (short transactions, vacuum keeps up). */
function retentionSql(spec: Spec, design: DesignModel, tables: string[]): string {
  const out = [`-- Retention for ${spec.name} (schemawise design): tables that could not be partitioned lose their old rows in batches.`, '-- Run daily; each batch is its own transaction, so locks are short and autovacuum keeps up.', ''];
  for (const name of tables) {
    const designed = [...design.tables.values()].find((t) => t.table.name === name)!;
    const e = spec.entities[designed.entity];
    const key = ageColumn(e, designed.table)!;
    out.push(
      `CREATE OR REPLACE PROCEDURE purge_${name}(batch int DEFAULT 10000)
LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  LOOP
    DELETE FROM ${qualifiedName('public', name)} WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM ${qualifiedName('public', name)} WHERE ${quoteIdent(key)} < now() - interval '${e.retention}' LIMIT batch));
    GET DIAGNOSTICS n = ROW_COUNT;
    COMMIT;
    EXIT WHEN n < batch;
  END LOOP;
END;
$$;`,
      '',
    );
  }
  return out.join('\n');
}
