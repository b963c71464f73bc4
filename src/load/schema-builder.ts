import { emptyDatabase, emptySchema } from '../model/empty.js';
import type { Database, QualifiedName, Schema, Span, Table } from '../model/types.js';
import type { Note } from '../parse/parse-script.js';
import { quoteIdent } from '../model/quote-ident.js';
import { builtinName } from '../parse/format-type.js';

/**
 * The mutable state of a static load: the model being built, the session's search_path,
 * and caches of the names PostgreSQL consults when it invents names.
 */
export class SchemaBuilder {
  readonly db: Database = emptyDatabase();
  readonly notes: Note[] = [];
  /** `SET search_path` as the script leaves it; `"$user"` is ignored (no session user). */
  searchPath: string[] = ['public'];
  /** Counts of statements by what happened to them. */
  readonly counts = { modelled: 0, skipped: 0, notModelled: 0 };
  /** Set by the caller before folding each statement, for notes and spans. */
  current: { span: Span } | undefined;
  constructor() {
    this.schema('public');
  }

  note(message: string, span = this.current?.span): void {
    this.notes.push({ message, span });
  }

  schema(name: string, create = true): Schema | undefined {
    let schema = this.db.schemas.find((s) => s.name === name);
    if (!schema && create) {
      schema = emptySchema(name);
      this.db.schemas.push(schema);
    }
    return schema;
  }

  /** The schema unqualified objects are created in: the first existing one on the path. */
  creationSchema(): string {
    return this.searchPath.find((s) => this.schema(s, false)) ?? 'public';
  }

  /** A RangeVar (or name list) → qualified name, resolving unqualified names on the path. */
  qualify(rangeVar: { schemaname?: string; relname: string }, forCreate = false): QualifiedName {
    if (rangeVar.schemaname) return { schema: rangeVar.schemaname, name: rangeVar.relname };
    if (forCreate) return { schema: this.creationSchema(), name: rangeVar.relname };
    const found = this.searchPath.find((s) => this.relationKind(s, rangeVar.relname));
    return { schema: found ?? this.creationSchema(), name: rangeVar.relname };
  }

  /** Resolves a `[schema, ]name` list for a non-relation object (type, function). */
  qualifyNames(names: string[], exists: (schema: string, name: string) => boolean): QualifiedName {
    if (names.length >= 2) return { schema: names[names.length - 2], name: names[names.length - 1] };
    const name = names[0];
    const found = this.searchPath.find((s) => exists(s, name));
    return { schema: found ?? this.creationSchema(), name };
  }

  table(qn: QualifiedName): Table | undefined {
    if (!this.tables) {
      this.tables = new Map();
      for (const schema of this.db.schemas) for (const t of schema.tables) this.tables.set(`${schema.name}\u0000${t.name}`, t);
    }
    return this.tables.get(`${qn.schema}\u0000${qn.name}`);
  }

  /** Records a table just added to the model (see `relations`). */
  noteTable(schema: string, table: Table): void {
    this.noteRelation(schema, table.name, 'table');
    this.tables?.set(`${schema}\u0000${table.name}`, table);
  }

  /** Direct partitions and INHERITS children by parent, cached and cleared with `relations`. */
  private children: Map<string, { qn: QualifiedName; table: Table }[]> | null = null;

  childrenOf(qn: QualifiedName): { qn: QualifiedName; table: Table }[] {
    if (!this.children) {
      this.children = new Map();
      const add = (parent: QualifiedName, child: { qn: QualifiedName; table: Table }) => {
        const key = `${parent.schema}\u0000${parent.name}`;
        const list = this.children!.get(key);
        if (!list) this.children!.set(key, [child]);
        else if (!list.some((c) => c.table === child.table)) list.push(child);
      };
      for (const schema of this.db.schemas) {
        for (const table of schema.tables) {
          const child = { qn: { schema: schema.name, name: table.name }, table };
          if (table.partitionOf) add(table.partitionOf.parent, child);
          for (const parent of table.inherits ?? []) add(parent, child);
        }
      }
    }
    return this.children.get(`${qn.schema}\u0000${qn.name}`) ?? [];
  }

  /** A table became a partition or a child (an additive statement): the index is rebuilt on the next question. */
  forgetChildren(): void {
    this.children = null;
  }

  requireTable(qn: QualifiedName): Table | undefined {
    const table = this.table(qn);
    if (!table) this.note(`table ${display(qn)} is not defined at this point; statement ignored`);
    return table;
  }

  /**
   * Relation names by schema (tables, views, sequences, indexes, constraint indexes,
   * composite types share one namespace). Kept as a cache because invented names and
   * unqualified lookups ask for it several times per statement: a scan each time made
   * large schemas quadratic. Additions are noted as they happen; statements that drop or
   * rename anything clear it (see foldStatement) and it is rebuilt from the model.
   */
  private relations: Map<string, Map<string, RelationKind>> | null = null;
  /** Tables by schema and name, cached and cleared with `relations`. */
  private tables: Map<string, Table> | null = null;
  /**
   * Constraint names by schema, as pg_constraint holds them (tables' keys, checks, foreign
   * keys and exclusions, domains' checks), each with the number of holders: only a table's
   * (or domain's) own constraints need distinct names, so two tables may share one and
   * dropping it from one leaves it taken. Cached, noted and cleared with `relations`.
   */
  private constraints: Map<string, Map<string, number>> | null = null;

  relationKind(schemaName: string, name: string): RelationKind | undefined {
    this.relations ??= this.scanRelations();
    return this.relations.get(schemaName)?.get(name);
  }

  noteRelation(schema: string, name: string, kind: RelationKind): void {
    if (!this.relations) return;
    let names = this.relations.get(schema);
    if (!names) this.relations.set(schema, (names = new Map()));
    if (!names.has(name)) names.set(name, kind);
  }

  /** Drops the relation, table and constraint caches; the next lookup rebuilds them from the model. */
  forgetRelations(): void {
    this.relations = null;
    this.tables = null;
    this.constraints = null;
    this.children = null;
  }

  /** A constraint index dropped with its constraint (ALTER TABLE ... DROP CONSTRAINT). */
  forgetRelation(schema: string, name: string): void {
    this.relations?.get(schema)?.delete(name);
  }

  private scanRelations(): Map<string, Map<string, RelationKind>> {
    const all = new Map<string, Map<string, RelationKind>>();
    for (const schema of this.db.schemas) {
      const names = new Map<string, RelationKind>();
      const add = (name: string, kind: RelationKind) => names.has(name) || names.set(name, kind);
      for (const t of schema.tables) {
        add(t.name, 'table');
        for (const i of t.indexes) add(i.name, 'index');
        if (t.primaryKey) add(t.primaryKey.name, 'index');
        for (const u of t.uniques) add(u.name, 'index');
        for (const e of t.exclusions) add(e.name, 'index');
      }
      for (const v of schema.views) add(v.name, 'view');
      for (const q of schema.sequences) add(q.name, 'sequence');
      for (const c of schema.compositeTypes) add(c.name, 'type');
      all.set(schema.name, names);
    }
    return all;
  }

  typeExists(schemaName: string, name: string): boolean {
    const schema = this.schema(schemaName, false);
    if (!schema) return false;
    return (
      schema.enums.some((e) => e.name === name) ||
      schema.domains.some((d) => d.name === name) ||
      schema.compositeTypes.some((c) => c.name === name) ||
      schema.tables.some((t) => t.name === name) ||
      schema.views.some((v) => v.name === name)
    );
  }

  /** Model spelling of a user type: qualified unless it lives in `public`. */
  resolveType = (names: string[]): string => {
    if (names.length >= 2) {
      const [schema, name] = names.slice(-2);
      return schema === 'public' || schema === 'pg_catalog' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
    }
    const found = this.searchPath.find((s) => this.typeExists(s, names[0]));
    if (found) return found === 'public' ? quoteIdent(names[0]) : `${quoteIdent(found)}.${quoteIdent(names[0])}`;
    // Not ours: a built-in (`json` prints bare though it is a keyword) or an extension's type.
    return builtinName(names[0]);
  };

  relationTaken(schema: string): (name: string) => boolean {
    return (name) => this.relationKind(schema, name) !== undefined;
  }

  /**
   * Names a CHECK, FOREIGN KEY or domain CHECK may not take: ChooseConstraintName asks
   * pg_constraint for any constraint of the schema by that name, whatever owns it.
   */
  constraintTaken(schema: string): (name: string) => boolean {
    return (name) => {
      this.constraints ??= this.scanConstraints();
      return (this.constraints.get(schema)?.get(name) ?? 0) > 0;
    };
  }

  /**
   * Names a PRIMARY KEY, UNIQUE or EXCLUDE constraint may not take: its index is named by
   * ChooseIndexName → ChooseRelationName(..., isconstraint = true), which skips both the
   * relations of the schema and, through ConstraintNameExists, its constraints.
   */
  constraintIndexTaken(schema: string): (name: string) => boolean {
    const relation = this.relationTaken(schema);
    const constraint = this.constraintTaken(schema);
    return (name) => relation(name) || constraint(name);
  }

  /** Records a constraint just added to the model (see `constraints`). */
  registerConstraint(schema: string, name: string): void {
    if (!this.constraints) return;
    let names = this.constraints.get(schema);
    if (!names) this.constraints.set(schema, (names = new Map()));
    names.set(name, (names.get(name) ?? 0) + 1);
  }

  /** Records a constraint just removed from the model or renamed away from `name`. */
  forgetConstraint(schema: string, name: string): void {
    const names = this.constraints?.get(schema);
    const count = names?.get(name);
    if (names && count !== undefined) names.set(name, count - 1);
  }

  private scanConstraints(): Map<string, Map<string, number>> {
    const all = new Map<string, Map<string, number>>();
    for (const schema of this.db.schemas) {
      const names = new Map<string, number>();
      const add = (name: string) => names.set(name, (names.get(name) ?? 0) + 1);
      for (const t of schema.tables) {
        if (t.primaryKey) add(t.primaryKey.name);
        for (const c of [...t.uniques, ...t.checks, ...t.foreignKeys, ...t.exclusions]) add(c.name);
      }
      for (const d of schema.domains) for (const c of d.checks) add(c.name);
      all.set(schema.name, names);
    }
    return all;
  }
}

export type RelationKind = 'table' | 'view' | 'index' | 'sequence' | 'type';

export function display(qn: QualifiedName): string {
  return qn.schema === 'public' ? qn.name : `${qn.schema}.${qn.name}`;
}
