import { parseSync } from 'libpg-query';
import { SchemawiseError } from '../errors.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Database, Function as Routine, QualifiedName, View } from '../model/types.js';
import { checkClause, createFunction, createIndex, createTrigger, dropFunction, exclusionClause, viewQuery } from '../report/ddl.js';

/**
 * What PostgreSQL refuses to let a function be dropped under (DROP FUNCTION without CASCADE):
 * every object that records a dependency on it — views, column defaults, CHECK and exclusion
 * constraints, indexes, trigger conditions, domain defaults and CHECKs, and routines whose
 * SQL-standard body calls it (a quoted body records none). Each as the statements that drop
 * and re-create it around the function.
 *
 * Calls are found by name: an unqualified call is taken for one of a routine of the caller's
 * schema or on the search_path (overloads are not told apart, so a user of another overload is
 * re-created too, needlessly but harmlessly).
 */
export interface RoutineUser {
  key: string;
  kind: 'routine' | 'view' | 'default' | 'constraint' | 'index' | 'trigger' | 'domain';
  drop: string;
  create: string;
  /** Views: how many views stand between it and the routine (readers go first, come back last). Routines: how many calls. */
  depth: number;
  /** The table whose column default this is (`schema.table.column`), for the column's own change to leave the default alone. */
  column?: string;
  /** A table a statement locks. */
  table?: QualifiedName;
}

/** Routines by name, with the schemas they are in. */
export type RoutineNames = Map<string, Set<string>>;

export const routineKey = (schema: string, fn: Routine) => `routine:${schema}.${fn.name}(${fn.arguments})`;

/** The users in `db` of the routines `names` (and, transitively, of the SQL-standard routines and views among them). */
export function routineUsers(db: Database, names: RoutineNames, skip: (key: string) => boolean): RoutineUser[] {
  const calls = new Map(names);
  const out: RoutineUser[] = [];
  // SQL-standard routines calling the routines, to a fixed point: each is re-created in turn.
  for (let depth = 1, grew = true; grew && depth < 20; depth++) {
    grew = false;
    for (const s of db.schemas) {
      for (const fn of s.functions) {
        const key = routineKey(s.name, fn);
        if (!fn.sqlStandardBody || skip(key) || out.some((u) => u.key === key) || !callsAny(parseBody(fn.body ?? ''), calls, s.name)) continue;
        const qn = qualifiedName(s.name, fn.name);
        out.push({ key, kind: 'routine', drop: dropFunction(qn, fn), create: createFunction(qn, fn), depth });
        if (!calls.has(fn.name)) calls.set(fn.name, new Set());
        calls.get(fn.name)!.add(s.name);
        grew = true;
      }
    }
  }
  out.push(...viewUsers(db, calls, skip));
  for (const s of db.schemas) {
    for (const table of s.tables) {
      const qn = { schema: s.name, name: table.name };
      const t = qualifiedName(s.name, table.name);
      const uses = (sql: string | null | undefined) => !!sql && callsAny(parseExpression(sql), calls, s.name);
      const user = (u: Omit<RoutineUser, 'depth' | 'table'>) => !skip(u.key) && out.push({ ...u, depth: 0, table: qn });
      for (const c of table.columns) {
        if (c.generated !== undefined && uses(c.generated)) {
          throw new SchemawiseError(`${t}.${c.name} is generated from a function this plan drops and creates again: PostgreSQL refuses to drop it while the column uses it; change the function's signature in a separate migration that re-adds the column`);
        }
        const col = `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(c.name)}`;
        if (uses(c.default)) user({ key: `default:${s.name}.${table.name}.${c.name}`, kind: 'default', drop: `${col} DROP DEFAULT;`, create: `${col} SET DEFAULT ${c.default};`, column: `${s.name}.${table.name}.${c.name}` });
      }
      if (table.partitioning?.keys.some(uses)) throw new SchemawiseError(`${t} is partitioned by an expression calling a function this plan drops and creates again: PostgreSQL cannot change a partition key`);
      for (const c of table.checks) {
        if (uses(c.expression)) user({ key: `constraint:${s.name}.${table.name}.${c.name}`, kind: 'constraint', drop: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(c.name)};`, create: `ALTER TABLE ${t} ADD ${checkClause(c)}${c.notValid ? ' NOT VALID' : ''};` });
      }
      for (const x of table.exclusions) {
        if (x.elements.some((e) => uses(e.key)) || uses(x.where)) user({ key: `constraint:${s.name}.${table.name}.${x.name}`, kind: 'constraint', drop: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(x.name)};`, create: `ALTER TABLE ${t} ADD ${exclusionClause(table, x)};` });
      }
      for (const index of table.indexes) {
        if (index.keys.some((k) => uses(k.expression)) || uses(index.where)) user({ key: `index:${s.name}.${index.name}`, kind: 'index', drop: `DROP INDEX ${qualifiedName(s.name, index.name)};`, create: createIndex(t, index) });
      }
    }
    for (const trigger of s.triggers) {
      const key = `trigger:${trigger.table.schema}.${trigger.table.name}.${trigger.name}`;
      if (trigger.when === undefined || skip(key) || !callsAny(parseExpression(trigger.when), calls, s.name)) continue;
      out.push({ key, kind: 'trigger', drop: `DROP TRIGGER ${quoteIdent(trigger.name)} ON ${qualifiedName(trigger.table.schema, trigger.table.name)};`, create: createTrigger(trigger), depth: 0, table: trigger.table });
    }
    for (const d of s.domains) {
      const qn = qualifiedName(s.name, d.name);
      const uses = (sql: string | null) => !!sql && callsAny(parseExpression(sql), calls, s.name);
      if (uses(d.default)) pushUnlessSkipped(out, skip, { key: `domain:${s.name}.${d.name}.default`, kind: 'domain', drop: `ALTER DOMAIN ${qn} DROP DEFAULT;`, create: `ALTER DOMAIN ${qn} SET DEFAULT ${d.default};`, depth: 0 });
      for (const c of d.checks) {
        if (uses(c.expression)) pushUnlessSkipped(out, skip, { key: `domain:${s.name}.${d.name}.${c.name}`, kind: 'domain', drop: `ALTER DOMAIN ${qn} DROP CONSTRAINT ${quoteIdent(c.name)};`, create: `ALTER DOMAIN ${qn} ADD CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression});`, depth: 0 });
      }
    }
  }
  return out;
}

function pushUnlessSkipped(out: RoutineUser[], skip: (key: string) => boolean, user: RoutineUser): void {
  if (!skip(user.key)) out.push(user);
}

/** Views calling the routines, and the views reading those (PostgreSQL refuses to drop a view another reads). */
function viewUsers(db: Database, calls: RoutineNames, skip: (key: string) => boolean): RoutineUser[] {
  const views = db.schemas.flatMap((s) => s.views.map((view) => ({ schema: s.name, view })));
  const found = new Map<string, { schema: string; view: View; depth: number }>();
  for (const v of views) if (callsAny(parseQuery(v.view.definition), calls, v.schema)) found.set(`${v.schema}.${v.view.name}`, { ...v, depth: 0 });
  for (let grew = true; grew; ) {
    grew = false;
    for (const v of views) {
      const k = `${v.schema}.${v.view.name}`;
      const read = v.view.reads.map((r) => found.get(`${r.schema}.${r.name}`)).filter((x) => x !== undefined);
      const depth = Math.max(-1, ...read.map((r) => r.depth)) + 1;
      if (!read.length || (found.get(k)?.depth ?? -1) >= depth || depth > 50) continue;
      found.set(k, { ...v, depth });
      grew = true;
    }
  }
  return [...found.values()].flatMap(({ schema, view, depth }) => {
    const key = `view:${schema}.${view.name}`;
    if (skip(key)) return [];
    const qn = qualifiedName(schema, view.name);
    const kind = view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
    return [{ key, kind: 'view' as const, drop: `DROP ${kind} ${qn};`, create: `CREATE ${kind} ${qn} AS\n${viewQuery(view)};`, depth }];
  });
}

function callsAny(tree: unknown, calls: RoutineNames, ownSchema: string): boolean {
  if (tree === undefined) return false;
  let found = false;
  const walk = (node: unknown): void => {
    if (found || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const call = (node as { FuncCall?: { funcname?: { String?: { sval?: string } }[] } }).FuncCall;
    if (call?.funcname) {
      const parts = call.funcname.map((n) => n.String?.sval ?? '');
      const schemas = calls.get(parts[parts.length - 1]);
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      if (schemas && (schema !== undefined ? schemas.has(schema) : [...schemas].some((s) => s === ownSchema || s === 'public' || s === 'pg_catalog'))) found = true;
    }
    for (const value of Object.values(node)) walk(value);
  };
  walk(tree);
  return found;
}

/** A parse tree, or undefined for text that does not parse (then no call is seen in it). */
function parsed(sql: string): unknown {
  try {
    return parseSync(sql);
  } catch {
    return undefined;
  }
}
const parseExpression = (sql: string) => parsed(`SELECT ${sql}`);
const parseQuery = (sql: string) => parsed(sql);
const parseBody = (body: string) => parsed(`CREATE FUNCTION f() ${body}`);
