import { quoteIdent } from '../../model/quote-ident.js';
import type { Column, Database, Table } from '../../model/types.js';
import { tablesOf } from '../model-walk.js';
import { isTimeType } from '../type-layout.js';
import { defineRule } from '../types.js';

/** Names that say when a row happened, most telling first: the usual range partition key. */
const TIME_NAMES = [/^(created|inserted|occurred|recorded|logged|received|sent|event|happened)_(at|on|time|ts)$/, /^(created|creation)(_date|_time)?$/, /^(timestamp|ts|event_time|logged_at)$/, /_(at|on|date|time|ts)$/];

const NOT_ARRIVAL = /(birth|dob|due|expir|deadline|hire|termination|valid|until|updated|modified|changed|deleted|archived|last_|next_|^end|_end)/;

function timeColumn(db: Database, table: Table): Column | undefined {
  // Dates of a row's subject (a birth, a due date) or of later changes do not order its arrival.
  const times = table.columns.filter((c) => isTimeType(db, c.type) && !NOT_ARRIVAL.test(c.name));
  for (const pattern of TIME_NAMES) {
    const match = times.filter((c) => pattern.test(c.name)).sort((a, b) => Number(b.notNull) - Number(a.notNull))[0];
    if (match) return match;
  }
  return undefined;
}

const human = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(0)} MiB`);
const rows = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} billion` : n >= 1e6 ? `${(n / 1e6).toFixed(0)} million` : String(Math.round(n)));

export default defineRule({
  id: 'large-table-unpartitioned',
  meta: {
    category: 'scale',
    severity: 'warning',
    live: true,
    description: 'Very large tables with a time or tenant column are partitioned.',
    rationale: `A table of tens of millions of rows or tens of gigabytes strains everything that works on a whole
table: VACUUM (and the anti-wraparound freeze) and ANALYZE take hours, index builds and rebuilds hold
their locks long, and deleting old rows leaves bloat that only a rewrite returns. Declarative partitioning
(PostgreSQL 10+; mature from 12) splits it into tables maintained one by one, lets queries that constrain
the key skip the other partitions, and turns retention into \`ALTER TABLE ... DETACH PARTITION
... CONCURRENTLY\` (14+) or \`DROP TABLE\` of a partition, instantly, with no bloat.

The rule needs the statistics of a live database (\`reltuples\` and \`pg_total_relation_size\`, which
includes indexes and TOAST) and reports a table above \`minRows\` rows or \`minBytes\` bytes that is not
partitioned (declaratively or by inheritance) and has a key to partition by: a time column
(\`timestamp\`, \`timestamptz\` or \`date\`, e.g. \`created_at\`) for RANGE partitions and time-based
retention, or a tenant column (\`tenantColumns\`) for LIST or HASH partitions. Mind that primary keys and
unique constraints of a partitioned table must include the partition key, and that a table cannot be
partitioned in place: the usual path is a new partitioned table, the old one attached as a partition or
copied in batches. There is no fix.`,
    invalid: [
      `CREATE TABLE page_views ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  url text NOT NULL,
  viewed_at timestamptz NOT NULL DEFAULT now()
);`,
    ],
    valid: [
      `CREATE TABLE page_views (
  id bigint GENERATED ALWAYS AS IDENTITY,
  url text NOT NULL,
  viewed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, viewed_at)
) PARTITION BY RANGE (viewed_at);
CREATE TABLE page_views_2026 PARTITION OF page_views FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
    ],
    options: {
      minRows: 50_000_000,
      minBytes: 50 * 2 ** 30,
      tenantColumns: ['tenant_id', 'account_id', 'org_id', 'organization_id', 'workspace_id', 'company_id'],
    },
    optionDocs: {
      minRows: 'Report a table with at least this many rows (estimated, reltuples).',
      minBytes: 'Report a table of at least this many bytes (table, indexes and TOAST).',
      tenantColumns: 'Column names that identify a tenant, for LIST or HASH partitioning.',
    },
  },
  check({ database, options, report }) {
    const inheritedFrom = new Set(database.schemas.flatMap((s) => s.tables.flatMap((t) => (t.inherits ?? []).map((p) => `${p.schema}.${p.name}`))));
    for (const t of tablesOf(database)) {
      const stats = t.table.stats;
      if (!stats || t.table.partitioning || inheritedFrom.has(t.name) || t.table.inherits?.length) continue;
      const big = (stats.rows ?? 0) >= options.minRows || (stats.bytes ?? 0) >= options.minBytes;
      if (!big) continue;
      const time = timeColumn(database, t.table);
      const tenant = t.table.columns.find((c) => options.tenantColumns.includes(c.name));
      if (!time && !tenant) continue;
      const size = [stats.rows !== undefined && `${rows(stats.rows)} rows`, stats.bytes !== undefined && human(stats.bytes)].filter(Boolean).join(', ');
      const ways = [
        time && `PARTITION BY RANGE (${quoteIdent(time.name)})${time.notNull ? '' : ` (after making ${time.name} NOT NULL)`}, e.g. one partition per month, old ones detached and dropped for retention`,
        tenant && `PARTITION BY LIST (${quoteIdent(tenant.name)}) for a few large tenants, or HASH (${quoteIdent(tenant.name)}) to spread many`,
      ].filter(Boolean);
      report({
        message: `Table ${t.name} (${size}) is not partitioned`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: `Consider ${ways.join('; or ')}. It pays when most queries name the key (lookups by the primary key alone probe every partition); primary keys and unique constraints must then include the partition key. Migrate through a new partitioned table.`,
      });
    }
  },
});
