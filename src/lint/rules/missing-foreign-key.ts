import { qualifiedName, quoteIdent } from '../../model/quote-ident.js';
import type { Database, Schema, Table } from '../../model/types.js';
import { pluralize } from '../inflect.js';
import { baseType } from '../integrity-helpers.js';
import { columnObject, columnOf, constraintNames, indexesOf, tablesOf, type TableRef } from '../model-walk.js';
import { fillPattern } from '../naming.js';
import { defineRule } from '../types.js';
import { nameWords } from '../sql-text.js';

/**
 * Types a foreign key can join: PostgreSQL needs an equality operator of the referenced key's
 * btree operator family, which the integer types share (integer_ops), and the string types
 * share through text (varchar and char are binary-coercible to it).
 */
function typeClass(type: string): string | null {
  if (type.endsWith(']')) return null;
  const bare = type.replace(/\(.*\)/, '');
  if (bare === 'smallint' || bare === 'integer' || bare === 'bigint') return 'integer';
  if (bare === 'text' || bare === 'character varying' || bare === 'character') return 'text';
  return bare;
}

interface Target {
  schema: Schema;
  table: Table;
  column: string;
}

/** The referenced table for a stem (`customer`, `billing_address`): `customers`, then `customer`; the own schema, then `public`, then a single match elsewhere. */
function findTarget(db: Database, own: Schema, stem: string): { schema: Schema; table: Table } | undefined {
  const names = [pluralize(stem), stem];
  const inSchema = (s: Schema) => names.map((n) => s.tables.find((t) => t.name === n && !t.partitionOf)).find(Boolean);
  const here = inSchema(own);
  if (here) return { schema: own, table: here };
  const pub = own.name !== 'public' ? db.schemas.find((s) => s.name === 'public') : undefined;
  const inPublic = pub && inSchema(pub);
  if (pub && inPublic) return { schema: pub, table: inPublic };
  const elsewhere = db.schemas.filter((s) => s !== own && s !== pub).flatMap((s) => {
    const t = inSchema(s);
    return t ? [{ schema: s, table: t }] : [];
  });
  return elsewhere.length === 1 ? elsewhere[0] : undefined;
}

/** The single-column key of `target` the column can reference: its primary key, else a plain unique column named `id` or like the column. */
function referencedColumn(db: Database, target: { schema: Schema; table: Table }, column: string, cls: string): string | undefined {
  const keys = indexesOf(target.table).filter((ix) => ix.unique && !ix.where && ix.columns.length === 1 && ix.plain[0]);
  const fits = (c: string) => {
    const col = columnOf(target.table, c);
    return !!col && typeClass(baseType(db, target.schema.name, col.type)) === cls;
  };
  const pk = keys.find((k) => k.constraint === 'primary key');
  if (pk) return fits(pk.columns[0]) ? pk.columns[0] : undefined;
  return keys.map((k) => k.columns[0]).find((c) => (c === 'id' || c === column) && fits(c));
}

/** `fk_{table}_{ref}`, or `fk_{table}_{column}` when the table refers twice to the same table or the name is taken. */
function fkName(table: string, taken: Set<string>, ref: string, column: string, twice: boolean): string {
  let name = fillPattern('fk_{table}_{ref}', { table, ref });
  if (twice || taken.has(name)) name = fillPattern('fk_{table}_{column}', { table, column });
  for (let n = 2; taken.has(name); n++) name = fillPattern(`fk_{table}_{column}_${n}`, { table, column });
  taken.add(name);
  return name;
}

/** Leaf partitions of a partitioned table, at any depth. */
function leafPartitions(db: Database, schema: string, table: string): { schema: Schema; table: Table }[] {
  return db.schemas.flatMap((s) =>
    s.tables
      .filter((p) => p.partitionOf?.parent.schema === schema && p.partitionOf.parent.name === table)
      .flatMap((p) => (p.partitioning ? leafPartitions(db, s.name, p.name) : [{ schema: s, table: p }])),
  );
}

/**
 * The statements that add the key online. A partitioned table cannot take a NOT VALID foreign key
 * before PostgreSQL 18, so each leaf partition gets its own (NOT VALID, then validated) and the
 * parent's key, added last, attaches them instead of scanning: a brief SHARE ROW EXCLUSIVE lock.
 */
function addForeignKeySql(db: Database, t: TableRef, name: string, column: string, ref: Target, twice: boolean): string[] {
  const refSql = qualifiedName(ref.schema.name, ref.table.name);
  const refColumn = ref.column;
  const key = `FOREIGN KEY (${quoteIdent(column)}) REFERENCES ${refSql} (${quoteIdent(refColumn)})`;
  const online = (tableSql: string, constraint: string) => [
    `ALTER TABLE ${tableSql} ADD CONSTRAINT ${quoteIdent(constraint)} ${key} NOT VALID;`,
    `ALTER TABLE ${tableSql} VALIDATE CONSTRAINT ${quoteIdent(constraint)};`,
  ];
  if (!t.table.partitioning) return online(t.sql, name);
  const lines: string[] = [];
  for (const part of leafPartitions(db, t.schema.name, t.table.name)) {
    const has = part.table.foreignKeys.some((fk) => fk.columns.length === 1 && fk.columns[0] === column && fk.refTable.schema === ref.schema.name && fk.refTable.name === ref.table.name && fk.refColumns[0] === refColumn && fk.onDelete === 'no action' && fk.onUpdate === 'no action' && !fk.deferrable);
    if (has) continue;
    const partName = fkName(part.table.name, constraintNames(part.table), ref.table.name, column, twice);
    lines.push(...online(qualifiedName(part.schema.name, part.table.name), partName));
  }
  lines.push(`-- Attaches the partitions' validated keys: no scan.`, `ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(name)} ${key};`);
  return lines;
}

export default defineRule({
  id: 'missing-foreign-key',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'A `<thing>_id` column that matches a table `<things>` is a foreign key.',
    rationale: `A column named \`customer_id\` next to a \`customers\` table is a reference; without a FOREIGN KEY
nothing stops it from pointing at a customer that never existed or was deleted, and orphans accumulate
silently (joins drop them, counts disagree). The rule looks for \`<x>_id\` columns where a table \`<x>s\` (or \`<x>\`)
exists, in the column's schema first, then \`public\`, then any single other schema, and has a single-column
primary key (or a unique \`id\`) of a compatible type; a prefixed name also matches on its last words
(\`billing_address_id\` → \`billing_addresses\`, then \`addresses\`), since role prefixes are how a table refers twice to
the same parent. A column already in any foreign key, and a table's own single-column primary key pointing at
itself, are not reported. The fix adds the key \`NOT VALID\` (a brief SHARE ROW EXCLUSIVE lock on both tables,
no scan; new rows are checked from then on) and then validates it, which scans under SHARE UPDATE EXCLUSIVE on
the table and ROW SHARE on the referenced one. Before PostgreSQL 18 a partitioned table cannot take a NOT VALID
foreign key: the fix then adds and validates one on each partition, and the parent's key attaches them
without a scan. VALIDATE fails if orphans exist: find them with an anti-join first. Index the column as well
(\`foreign-key-without-index\`).`,
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL -- flagged
);`,
      `CREATE TABLE addresses (id integer PRIMARY KEY);
CREATE TABLE person (person_id integer PRIMARY KEY);
CREATE TABLE shipments (
  id bigint PRIMARY KEY,
  billing_address_id integer, -- flagged
  shipping_address_id integer, -- flagged
  person_id bigint -- flagged
);`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE payments (
  id bigint NOT NULL,
  customer_id bigint NOT NULL, -- flagged
  paid_at timestamptz NOT NULL,
  PRIMARY KEY (id, paid_at)
) PARTITION BY RANGE (paid_at);
CREATE TABLE payments_2025 PARTITION OF payments FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE payments_2026 PARTITION OF payments FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  external_id text,
  stripe_customer_id text
);`,
      `CREATE TABLE customers (customer_id uuid PRIMARY KEY);
CREATE TABLE accounts (id bigint PRIMARY KEY);
CREATE TABLE ledger_entries (
  id bigint PRIMARY KEY,
  customer_id bigint,
  tenant_id bigint
);
CREATE TABLE account_snapshots (
  account_id bigint,
  taken_on date,
  PRIMARY KEY (account_id, taken_on),
  FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const covered = new Set(t.table.foreignKeys.flatMap((fk) => fk.columns));
      const found: { column: string; target: Target }[] = [];
      for (const column of t.table.columns) {
        if (covered.has(column.name) || column.generated) continue;
        const words = nameWords(column.name);
        if (words.length < 2 || words[words.length - 1] !== 'id' || !/_id$/i.test(column.name)) continue;
        const cls = typeClass(baseType(database, t.schema.name, column.type));
        if (!cls) continue;
        const stemWords = column.name.slice(0, -3).split('_');
        for (let i = 0; i < stemWords.length; i++) {
          const stem = stemWords.slice(i).join('_');
          if (!stem) continue;
          const target = findTarget(database, t.schema, stem);
          if (!target) continue;
          const ref = referencedColumn(database, target, column.name, cls);
          // A table's own key is not a reference to itself.
          if (target.table === t.table && ref === column.name) break;
          if (ref) found.push({ column: column.name, target: { ...target, column: ref } });
          break;
        }
      }

      const taken = constraintNames(t.table);
      for (const { column, target } of found) {
        const twice = found.filter((f) => f.target.table === target.table).length > 1;
        const name = fkName(t.table.name, taken, target.table.name, column, twice);
        const ref = `${target.schema.name}.${target.table.name}`;
        const col = t.table.columns.find((c) => c.name === column)!;
        report({
          message: `Column ${column} of ${t.name} looks like a reference to ${ref} (${target.column}) but has no foreign key`,
          object: columnObject(t, column),
          table: t.name,
          span: col.span,
          help: `Without a foreign key, ${column} can point at ${ref} rows that do not exist. Add one (and an index on ${column}); check for orphans first.`,
          fix: {
            title: `Add foreign key ${name}`,
            sql: [
              `-- VALIDATE fails while orphans exist: rows whose ${column} has no match in ${ref}. Repair or delete them first.`,
              ...addForeignKeySql(database, t, name, column, target, twice),
            ].join('\n'),
          },
        });
      }
    }
  },
});
