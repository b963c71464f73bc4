import { deparse } from '../parse/deparse.js';
import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { chooseName } from './choose-name.js';
import { display, type SchemaBuilder } from './schema-builder.js';
import { nameList } from '../parse/name-list.js';

function qualifyType(b: SchemaBuilder, names: string[]) {
  return b.qualifyNames(names, (s, name) => b.typeExists(s, name));
}

/** CREATE TYPE ... AS ENUM */
export function foldCreateEnum(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const names = nameList(n.typeName);
  const qn = names.length >= 2 ? { schema: names[0], name: names[1] } : { schema: b.creationSchema(), name: names[0] };
  if (b.typeExists(qn.schema, qn.name)) return b.note(`type ${display(qn)} already exists`);
  b.schema(qn.schema)!.enums.push({ name: qn.name, values: (n.vals ?? []).map((v: any) => v.String.sval), span: st.span });
}

/** ALTER TYPE ... ADD VALUE [BEFORE|AFTER] / RENAME VALUE */
export function foldAlterEnum(b: SchemaBuilder, n: any): void {
  const qn = qualifyType(b, nameList(n.typeName));
  const e = b.schema(qn.schema, false)?.enums.find((x) => x.name === qn.name);
  if (!e) return b.note(`enum ${display(qn)} is not defined at this point`);
  if (n.oldVal) {
    const i = e.values.indexOf(n.oldVal);
    if (i >= 0) e.values[i] = n.newVal;
    return;
  }
  if (e.values.includes(n.newVal)) return;
  const at = n.newValNeighbor ? e.values.indexOf(n.newValNeighbor) : -1;
  if (at < 0) e.values.push(n.newVal);
  else e.values.splice(n.newValIsAfter ? at + 1 : at, 0, n.newVal);
}

/** CREATE DOMAIN */
export function foldCreateDomain(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const names = nameList(n.domainname);
  const qn = names.length >= 2 ? { schema: names[0], name: names[1] } : { schema: b.creationSchema(), name: names[0] };
  const domain = { name: qn.name, type: formatType(n.typeName, b.resolveType).type, notNull: false, default: null as string | null, checks: [] as { name: string; expression: string }[], span: st.span };
  // In the model before its checks are named, so that a name cache built meanwhile sees them.
  b.schema(qn.schema)!.domains.push(domain);
  for (const wrapped of n.constraints ?? []) {
    const c = wrapped.Constraint;
    if (c.contype === 'CONSTR_NOTNULL') domain.notNull = true;
    else if (c.contype === 'CONSTR_DEFAULT') domain.default = deparse(c.raw_expr);
    else if (c.contype === 'CONSTR_CHECK') {
      // domainAddCheckConstraint names a CHECK after the domain with ChooseConstraintName,
      // which skips every constraint name of the schema, tables' included; DefineDomain
      // makes each check visible (CommandCounterIncrement) before naming the next.
      const name = c.conname ?? chooseName(qn.name, null, 'check', b.constraintTaken(qn.schema));
      domain.checks.push({ name, expression: deparse(c.raw_expr) });
      b.registerConstraint(qn.schema, name);
    }
  }
}

/** CREATE TYPE ... AS (composite) */
export function foldCreateComposite(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.typevar, true);
  b.noteRelation(qn.schema, qn.name, 'type');
  b.schema(qn.schema)!.compositeTypes.push({
    name: qn.name,
    attributes: (n.coldeflist ?? []).map((c: any) => ({ name: c.ColumnDef.colname, type: formatType(c.ColumnDef.typeName, b.resolveType).type })),
    span: st.span,
  });
}
