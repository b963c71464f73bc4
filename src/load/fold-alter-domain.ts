import { deparse } from '../parse/deparse.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { chooseName } from './choose-name.js';
import { display, type SchemaBuilder } from './schema-builder.js';

/** ALTER DOMAIN: SET/DROP DEFAULT, SET/DROP NOT NULL, ADD/DROP/VALIDATE CONSTRAINT. */
export function foldAlterDomain(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const names: string[] = (n.typeName ?? []).map((x: any) => x.String?.sval ?? '');
  const qn = b.qualifyNames(names, (s, name) => !!b.schema(s, false)?.domains.some((d) => d.name === name));
  const domain = b.schema(qn.schema, false)?.domains.find((d) => d.name === qn.name);
  if (!domain) {
    if (!n.missing_ok) b.note(`domain ${display(qn)} is not defined at this point`, st.span);
    return;
  }
  // subtype: the one-letter codes of AlterDomainStmt in parsenodes.h.
  switch (n.subtype) {
    case 'T':
      domain.default = n.def ? deparse(n.def) : null;
      break;
    case 'N':
      domain.notNull = false;
      break;
    case 'O':
      domain.notNull = true;
      break;
    case 'C': {
      const c = n.def.Constraint;
      if (c.contype === 'CONSTR_NOTNULL') domain.notNull = true;
      if (c.contype !== 'CONSTR_CHECK') break;
      const name = c.conname ?? chooseName(domain.name, null, 'check', (x) => domain.checks.some((k) => k.name === x));
      domain.checks.push({ name, expression: deparse(c.raw_expr) });
      break;
    }
    case 'X':
      domain.checks = domain.checks.filter((k) => k.name !== n.name);
      break;
    default:
      break; // VALIDATE: the model does not record NOT VALID on domain checks
  }
}
