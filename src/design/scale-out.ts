import { shapeQueries } from '../advise/query-shape.js';
import { quoteIdent } from '../model/quote-ident.js';
import type { ForeignKey, Table } from '../model/types.js';
import { significantCount } from '../report/compact-count.js';
import type { Decision } from './decision.js';
import { identifier } from './identifier.js';
import type { DesignModel } from './design-model.js';
import { monthlyGrowth, rowsAfter, tableVolumes } from './table-volume.js';
import type { Spec } from './spec.js';

/**
 * Past these, one PostgreSQL node is outgrown: 10 billion rows in a year is 1–3 TB with
 * indexes (backups, restores, index builds and vacuum of the largest tables take hours), and
 * 20 000 sustained inserts a second, each writing WAL for the row and every index, is near what
 * one primary absorbs while also serving reads.
 */
const SCALE_OUT_ROWS = 10_000_000_000;
const SCALE_OUT_INSERTS_PER_SECOND = 20_000;
/** Tables smaller than this in a year, not tied to the distribution key, are copied to every node. */
const REFERENCE_MAX_ROWS = 10_000_000;
/** A distribution key with fewer values than this spreads unevenly over Citus's 32 shards. */
const MIN_ROOT_ROWS = 10_000;

type Placement =
  | { kind: 'distributed'; column: string; colocated: boolean; copiedThrough?: ForeignKey; why: string }
  | { kind: 'reference'; why: string };

export interface ScaleOutPlan {
  decisions: Decision[];
  /** ops/citus.sql: the single-node changes first (runnable on any PostgreSQL), then the Citus calls. */
  sql: string;
}

/**
 * When the volume or write rate outgrows one node: a Citus plan. One distribution key is
 * chosen — the tenant column, else the entity whose id the declared queries filter by most
 * (by weight), else the one most of the data hangs off (directly, or through a parent: that
 * table then gets the key copied in) — and every table is placed: distributed by that key and
 * co-located (joins and foreign keys stay on one node), a reference table copied to every node
 * (small, and not tied to the key), or distributed alone by its own key (large and unrelated). Citus requires every
 * unique key of a distributed table to include its distribution column and foreign keys between
 * distributed tables to include both distribution columns; the plan says what changes for that.
 */
export function planScaleOut(spec: Spec, design: DesignModel): ScaleOutPlan | { decisions: Decision[] } {
  const volumes = tableVolumes(spec, design);
  // A year ahead (rows leave past a retention), whatever each table's partitioning horizon.
  const inYear = new Map(volumes.map((v) => [v.table.name, rowsAfter(v.volume, 12)]));
  const totalRows = [...inYear.values()].reduce((a, b) => a + b, 0);
  const insertsPerSecond = volumes.reduce((n, v) => n + monthlyGrowth(v.volume.growth), 0) / 2_592_000;
  const figures = `${significantCount(totalRows)} rows in a year and ${significantCount(insertsPerSecond)} inserts a second on average (one node is outgrown past ${significantCount(SCALE_OUT_ROWS)} rows or ${significantCount(SCALE_OUT_INSERTS_PER_SECOND)} inserts a second)`;
  if (totalRows < SCALE_OUT_ROWS && insertsPerSecond < SCALE_OUT_INSERTS_PER_SECOND) {
    return { decisions: [{ topic: 'scale-out', subject: 'one node', choice: 'a single PostgreSQL primary (replicas for reads and failover)', reason: `${figures}: one node holds it; sharding would add cross-node queries and operations for nothing` }] };
  }
  const tables = design.database.schemas.flatMap((s) => s.tables).filter((t) => !t.partitionOf);
  const tenant = spec.tenancy === 'none' ? undefined : spec.tenancy;
  const tenantTable = tenant?.entity ? design.tables.get(tenant.entity)?.table : undefined;

  const rowsOf = (t: Table) => inYear.get(t.name) ?? 0;
  // A reference by id (with the parent's partition key after it, when co-partitioned), required.
  const requiredRefs = (t: Table) => t.foreignKeys.filter((k) => k.refColumns[0] === 'id' && k.columns.length === k.refColumns.length && t.columns.find((c) => c.name === k.columns[0])?.notNull && k.refTable.name !== t.name);

  /** Places every table around `root` (the table whose id is the key), or around the tenant column. */
  const place = (root: Table | undefined, key: string): Map<string, Placement> => {
    const placed = new Map<string, Placement>();
    if (root) placed.set(root.name, { kind: 'distributed', column: 'id', colocated: true, why: `the distribution key: its id (${key})` });
    // The tenants' own table, when small, is copied to every node: it keeps its unique keys, and every table's reference to it stays.
    else if (tenantTable) placed.set(tenantTable.name, { kind: 'reference', why: `the tenants: ${rowsOf(tenantTable) ? `${significantCount(rowsOf(tenantTable))} rows in a year` : 'no declared volume'}, a copy on every node keeps its unique keys and every reference to it` });
    const rootColumn = root ? `${root.name === tenantTable?.name ? tenant!.column.replace(/_id$/, '') : singular(root.name, design)}_id` : key;
    for (const t of tables) {
      if (placed.has(t.name)) continue;
      if (tenant && t.columns.some((c) => c.name === tenant.column)) placed.set(t.name, { kind: 'distributed', column: tenant.column, colocated: true, why: `its tenant column: a tenant's rows together on one node` });
      else if (root) {
        const direct = requiredRefs(t).find((k) => k.refTable.name === root.name);
        if (direct) placed.set(t.name, { kind: 'distributed', column: direct.columns[0], colocated: true, why: `its reference to ${root.name}: a ${singular(root.name, design)}'s rows together` });
      }
    }
    // Children of co-located tables follow them, the key copied in (the application writes it: Citus routes a row by it).
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of tables) {
        if (placed.has(t.name)) continue;
        const via = requiredRefs(t).find((k) => placed.get(k.refTable.name)?.kind === 'distributed' && (placed.get(k.refTable.name) as { colocated: boolean }).colocated && k.refTable.name !== root?.name);
        if (!via) continue;
        const column = t.columns.some((c) => c.name === rootColumn) ? `${via.refTable.name}_${rootColumn}` : rootColumn;
        placed.set(t.name, { kind: 'distributed', column, colocated: true, copiedThrough: via, why: `a part of ${via.refTable.name}: ${column} copied in from it` });
        changed = true;
      }
    }
    for (const t of tables) {
      if (placed.has(t.name)) continue;
      if (rowsOf(t) < REFERENCE_MAX_ROWS) placed.set(t.name, { kind: 'reference', why: `${rowsOf(t) ? `${significantCount(rowsOf(t))} rows in a year` : 'no declared volume'}, not tied to the key: a copy on every node joins locally with any shard` });
      // A join table has no id: the first column of its key spreads it.
      else placed.set(t.name, { kind: 'distributed', column: t.primaryKey?.columns[0] ?? 'id', colocated: false, why: `${significantCount(rowsOf(t))} rows in a year, not tied to the key: spread by its own key (joins with the others move rows between nodes)` });
    }
    return placed;
  };

  if (tenant) {
    const root = tenantTable && rowsOf(tenantTable) >= REFERENCE_MAX_ROWS ? tenantTable : undefined;
    return render(spec, design, tables, place(root, tenant.column), root, tenant.column, figures);
  }
  // The key the declared queries name: each candidate scores the weight of the queries that
  // filter a table by its distribution column (one node answers them). Without queries, or
  // on a tie: the rows it co-locates (the coarsest key that keeps most data together), then
  // the fewer tables that need the key copied in.
  const shapes = shapeQueries(design.database, spec.queries.map((q) => ({ name: q.name, sql: q.sql, weight: q.per_second ?? q.weight ?? 1, parameters: 0, span: { file: 'spec', line: 1, column: 1 } })));
  const candidates = tables.filter((t) => tables.some((o) => requiredRefs(o).some((k) => k.refTable.name === t.name)) && (!inYear.has(t.name) || rowsOf(t) >= MIN_ROOT_ROWS));
  let best: { table: Table; placed: Map<string, Placement>; routed: number; rows: number; copies: number } | undefined;
  for (const c of candidates) {
    const placed = place(c, `${c.name}.id`);
    const routed = shapes.reduce((n, shape) => {
      const keyed = shape.accesses.some((a) => {
        const p = placed.get(a.table);
        return p?.kind === 'distributed' && p.colocated && [...a.equality, ...a.inList].some((k) => k.column === p.column);
      });
      return n + (keyed ? shape.query.weight : 0);
    }, 0);
    const together = [...placed].filter(([, p]) => p.kind === 'distributed' && p.colocated);
    const rows = together.reduce((n, [name]) => n + (inYear.get(name) ?? 0), 0);
    const copies = together.filter(([, p]) => p.kind === 'distributed' && p.copiedThrough).length;
    if (!best || routed > best.routed || (routed === best.routed && (rows > best.rows || (rows === best.rows && copies < best.copies)))) best = { table: c, placed, routed, rows, copies };
  }
  if (!best) {
    return { decisions: [{ topic: 'scale-out', subject: 'one node', choice: 'no scale-out plan', reason: `${figures}, but no entity is referred to by the others: there is no key to co-locate by (declare the references, or tenancy)`, tradeoff: 'past one node, the largest tables need a distribution key chosen by hand' }] };
  }
  return render(spec, design, tables, best.placed, best.table, `${best.table.name}.id`, figures);
}

function singular(table: string, design: DesignModel): string {
  return [...design.tables.values()].find((t) => t.table.name === table)?.entity ?? table;
}

function render(spec: Spec, design: DesignModel, tables: Table[], placed: Map<string, Placement>, root: Table | undefined, key: string, figures: string): ScaleOutPlan {
  const decisions: Decision[] = [];
  const byName = new Map(tables.map((t) => [t.name, t]));
  const distributed = tables.filter((t) => placed.get(t.name)!.kind === 'distributed');
  const reference = tables.filter((t) => placed.get(t.name)!.kind === 'reference');
  const colocated = distributed.filter((t) => (placed.get(t.name) as { colocated: boolean }).colocated);
  const columnOf = (t: Table) => (placed.get(t.name) as { column: string }).column;
  const anchor = root ?? colocated[0];
  // Every co-located distribution column has the key's type (Citus co-locates equal types only).
  const keyType = anchor.columns.find((c) => c.name === columnOf(anchor))!.type;
  decisions.push({
    topic: 'scale-out',
    subject: 'cluster',
    choice: `Citus, distributed by ${key}: ${colocated.length} tables co-located, ${reference.length} reference table${reference.length === 1 ? '' : 's'}${distributed.length > colocated.length ? `, ${distributed.length - colocated.length} distributed on ${distributed.length - colocated.length === 1 ? 'its' : 'their'} own` : ''} (ops/citus.sql)`,
    reason: `${figures}. The rows of one ${root ? singular(root.name, design) : 'tenant'} sit on one node with everything that hangs off them, so the queries that name it run on one node`,
    tradeoff: `queries that do not filter by the key fan out to every node; unique keys and foreign keys hold within a key only (below); the application sends the key with every row it writes`,
    from: spec.tenancy === 'none' ? undefined : ['tenancy'],
  });
  for (const t of tables) {
    const p = placed.get(t.name)!;
    decisions.push({ topic: 'scale-out', subject: t.name, choice: p.kind === 'reference' ? 'reference table' : `distributed by ${p.column}${!p.colocated ? ', not co-located' : t === anchor ? ', first of the co-location group' : `, co-located with ${anchor.name}`}`, reason: p.why });
  }

  const before: string[] = [];
  const after: string[] = [];
  const notes: string[] = [];
  const isColocated = (name: string) => {
    const p = placed.get(name);
    return p?.kind === 'distributed' && p.colocated;
  };
  // 1. Foreign keys that must change go first: the keys they rely on are about to change.
  const rewritten: [Table, ForeignKey, string[], string[]][] = [];
  const dropped = new Set<ForeignKey>();
  for (const t of tables) {
    const p = placed.get(t.name)!;
    for (const fk of t.foreignKeys) {
      const target = byName.get(fk.refTable.name);
      const q = target && placed.get(target.name);
      if (!target || !q) continue;
      if (q.kind === 'reference' && p.kind === 'reference') continue;
      if (q.kind === 'reference') continue; // distributed → reference: Citus keeps it
      const targetKeyIsId = q.kind === 'distributed' && q.column === 'id';
      if (p.kind === 'distributed' && isColocated(t.name) && isColocated(target.name) && targetKeyIsId && fk.columns.length === 1 && fk.columns[0] === p.column) {
        continue; // to the key's own table, by the key: Citus keeps it
      }
      if (p.kind === 'distributed' && isColocated(t.name) && isColocated(target.name) && !targetKeyIsId && (p.copiedThrough === fk || (q.column === p.column && spec.tenancy !== 'none'))) {
        rewritten.push([t, fk, [p.column, ...fk.columns], [q.column, ...fk.refColumns]]);
        continue;
      }
      const why = p.kind === 'reference' ? `a reference table cannot refer to a distributed one` : !isColocated(t.name) || !isColocated(target.name) ? `${t.name} and ${target.name} are not co-located` : `its rows and the ${singular(target.name, design)} they point to can be on different nodes`;
      before.push(`ALTER TABLE ${quoteIdent(t.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`);
      dropped.add(fk);
      notes.push(`${t.name}.${fk.columns.join(', ')} → ${fk.refTable.name}: foreign key dropped (${why}); the application keeps it`);
    }
  }
  for (const [t, fk] of rewritten) before.push(`ALTER TABLE ${quoteIdent(t.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`);
  // 2. The denormalisation triggers read and write other tables by id alone: on Citus that
  // fans out from inside a shard (or, from a reference table, from every node). They go.
  for (const d of design.denormalizations) {
    const triggers = design.database.schemas.flatMap((s) => s.triggers).filter((t) => d.triggers.includes(t.name));
    for (const t of triggers) before.push(`DROP TRIGGER ${quoteIdent(t.name)} ON ${quoteIdent(t.table.name)};`);
    notes.push(`the copy in ${d.child} of ${d.parent}'s value: its triggers dropped (they look rows up by id alone, across nodes); the application writes the copy`);
  }
  // 3. Copied keys: added, filled from the parent (parents first: placement order), then required.
  for (const [name, p] of placed) {
    if (p.kind !== 'distributed' || !p.copiedThrough) continue;
    const t = byName.get(name)!;
    const parent = byName.get(p.copiedThrough.refTable.name)!;
    const parentColumn = columnOf(parent);
    before.push(
      `ALTER TABLE ${quoteIdent(t.name)} ADD COLUMN ${quoteIdent(p.column)} ${keyType};`,
      `-- The fill holds ${t.name}'s lock until COMMIT: on a table with many rows, fill it in batches before this file (schemawise migrate's backfill) instead.`,
      // Not the design's own triggers: the fill must not move updated_at.
      `ALTER TABLE ${quoteIdent(t.name)} DISABLE TRIGGER USER;`,
      `UPDATE ${quoteIdent(t.name)} AS c SET ${quoteIdent(p.column)} = p.${quoteIdent(parentColumn)} FROM ${quoteIdent(parent.name)} AS p WHERE p.id = c.${quoteIdent(p.copiedThrough.columns[0])};`,
      `ALTER TABLE ${quoteIdent(t.name)} ENABLE TRIGGER USER;`,
      `ALTER TABLE ${quoteIdent(t.name)} ALTER COLUMN ${quoteIdent(p.column)} SET NOT NULL;`,
    );
    notes.push(`${t.name}.${p.column}: new, a copy of ${parent.name}.${parentColumn} through ${p.copiedThrough.columns[0]}; written by the application with each row (Citus routes a row by it)`);
  }
  // 4. Keys include the distribution column. A unique key on a column whose composite reference
  // now carries the key (the key follows from it) gains the key with nothing lost.
  for (const t of distributed) {
    const column = columnOf(t);
    const determining = new Set(rewritten.filter(([x]) => x === t).flatMap(([, fk]) => fk.columns));
    const pk = t.primaryKey;
    if (pk && !pk.columns.includes(column)) {
      before.push(`ALTER TABLE ${quoteIdent(t.name)} DROP CONSTRAINT ${quoteIdent(pk.name)}, ADD CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY (${[column, ...pk.columns].map(quoteIdent).join(', ')});`);
    }
    for (const u of t.uniques) {
      if (u.columns.includes(column)) continue;
      if (u.columns.some((c) => determining.has(c))) {
        before.push(`ALTER TABLE ${quoteIdent(t.name)} DROP CONSTRAINT ${quoteIdent(u.name)}, ADD CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${[column, ...u.columns].map(quoteIdent).join(', ')});`);
        continue;
      }
      const name = identifier(`idx_${t.name}_${u.columns.join('_')}`);
      before.push(`ALTER TABLE ${quoteIdent(t.name)} DROP CONSTRAINT ${quoteIdent(u.name)};`, `CREATE INDEX ${quoteIdent(name)} ON ${quoteIdent(t.name)} (${u.columns.map(quoteIdent).join(', ')});`);
      notes.push(`${t.name} (${u.columns.join(', ')}): no longer unique in the database (a unique key must include ${column}): an index for its lookups; uniqueness checked by the application, or by a reference table of the values`);
    }
    for (const ix of t.indexes.filter((x) => x.unique)) {
      if (ix.keys.some((k) => k.column === column)) continue;
      const keys = ix.keys.map((k) => (k.column !== null ? quoteIdent(k.column) : `(${k.expression})`)).join(', ');
      const where = ix.where ? ` WHERE ${ix.where}` : '';
      if (ix.keys.some((k) => k.column !== null && determining.has(k.column))) {
        before.push(`DROP INDEX ${quoteIdent(ix.name)};`, `CREATE UNIQUE INDEX ${quoteIdent(ix.name)} ON ${quoteIdent(t.name)} (${quoteIdent(column)}, ${keys})${where};`);
        continue;
      }
      before.push(`DROP INDEX ${quoteIdent(ix.name)};`, `CREATE INDEX ${quoteIdent(ix.name)} ON ${quoteIdent(t.name)} (${keys})${where};`);
      notes.push(`${t.name} (${ix.columns.join(', ')}): no longer unique in the database (a unique index must include ${column}): kept as a plain index; uniqueness checked by the application, or by a reference table of the values`);
    }
  }
  // 5. Foreign keys between co-located tables, with the distribution columns on both sides.
  for (const [t, fk, columns, refColumns] of rewritten) {
    // SET NULL / SET DEFAULT would clear the distribution column too, and Citus refuses them on a
    // key that includes it even with PostgreSQL 15's column list: NO ACTION, and the application clears the reference.
    const setNull = fk.onDelete === 'set null' || fk.onDelete === 'set default';
    const onDelete = setNull ? 'NO ACTION' : fk.onDelete.toUpperCase();
    // Citus refuses ON UPDATE CASCADE there too (a co-partitioned reference has it): a corrected parent timestamp is the application's to carry down.
    if (fk.onUpdate === 'cascade') notes.push(`${t.name} → ${fk.refTable.name}: ON UPDATE NO ACTION instead of CASCADE (Citus refuses it on a key with the distribution column): the application updates ${fk.columns.slice(1).join(', ')} with the parent`);
    if (setNull) notes.push(`${t.name} → ${fk.refTable.name}: ON DELETE NO ACTION instead of ${fk.onDelete.toUpperCase()} (Citus refuses it on a key with the distribution column): the application clears ${fk.columns.join(', ')} first`);
    before.push(`ALTER TABLE ${quoteIdent(t.name)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${columns.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(fk.refTable.name)} (${refColumns.map(quoteIdent).join(', ')}) ON DELETE ${onDelete};`);
    notes.push(`${t.name} → ${fk.refTable.name}: foreign key on (${columns.join(', ')}), with the distribution column`);
  }

  // Citus: reference tables before the distributed tables that refer to them; the anchor of the co-location group first.
  after.push('CREATE EXTENSION IF NOT EXISTS citus;', "-- Workers first: SELECT citus_add_node('worker-1', 5432); … one per node.");
  // Citus refuses to distribute or copy a table with triggers unless this is on, in this session (for the calls below) and for the database's later sessions.
  const gone = new Set(design.denormalizations.flatMap((d) => d.triggers));
  const triggered = design.database.schemas.flatMap((s) => s.triggers).filter((t) => !gone.has(t.name) && tables.some((d) => d.name === t.table.name));
  if (triggered.length) after.push('SET citus.enable_unsafe_triggers = on;', "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers = on', current_database()); END $$;");
  for (const t of orderByReferences(reference, dropped)) after.push(`SELECT create_reference_table('${t.name}');`);
  // The tables a co-located one refers to are distributed before it (Citus refuses a foreign key to a plain table).
  const group = anchor ? [anchor, ...orderByReferences(colocated.filter((t) => t !== anchor), dropped)] : [];
  for (const t of group) after.push(t === anchor ? `SELECT create_distributed_table('${t.name}', '${columnOf(t)}');` : `SELECT create_distributed_table('${t.name}', '${columnOf(t)}', colocate_with => '${anchor.name}');`);
  for (const t of distributed.filter((x) => !group.includes(x))) after.push(`SELECT create_distributed_table('${t.name}', '${columnOf(t)}', colocate_with => 'none');`);

  if (notes.length) decisions.push({ topic: 'scale-out', subject: 'changes for Citus', choice: notes.join('; '), reason: 'Citus enforces a unique key only within a shard, so every unique key of a distributed table includes its distribution column; a foreign key between distributed tables must join on their distribution columns', tradeoff: 'what the database no longer checks, the application must' });
  if (triggered.length) decisions.push({ topic: 'scale-out', subject: 'triggers on Citus', choice: `citus.enable_unsafe_triggers on (the session running ops/citus.sql, and the database) for the design's ${triggered.length} trigger${triggered.length === 1 ? '' : 's'} that change only their own row`, reason: 'Citus distributes or copies a table with triggers only with citus.enable_unsafe_triggers: a trigger that changes only its own row (set_updated_at) is safe on a shard; the denormalisation triggers, which read and write other tables by id, are dropped (above)' });

  const head = `-- Scale-out of ${spec.name} on Citus (schemawise design; the plan and its reasons are in DESIGN.md, Scale-out).
-- Distribution key: ${key}. Run on the coordinator, on a database made by schema.sql.
-- Part 1 runs on any PostgreSQL (do it before distributing): keys carry the distribution column.
BEGIN;
`;
  const part1 = `${head}${before.join('\n')}${before.length ? '\n' : ''}COMMIT;\n`;
  const part2 = `\n-- Part 2: Citus (distributing copies the rows to the shards; reference tables first).\n${after.join('\n')}\n`;
  return { decisions, sql: part1 + part2 };
}

/** Referenced tables before those that refer to them, by the foreign keys that stay. */
function orderByReferences(tables: Table[], dropped: Set<ForeignKey>): Table[] {
  const out: Table[] = [];
  const names = new Set(tables.map((t) => t.name));
  const visit = (t: Table, seen: Set<string>) => {
    if (out.includes(t) || seen.has(t.name)) return;
    seen.add(t.name);
    for (const fk of t.foreignKeys) {
      if (dropped.has(fk)) continue;
      const target = tables.find((x) => x.name === fk.refTable.name);
      if (target && names.has(target.name) && target !== t) visit(target, seen);
    }
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}
